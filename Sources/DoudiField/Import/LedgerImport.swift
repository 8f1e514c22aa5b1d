import DoudiModel
import DoudiSync
import Foundation

/// Bulk-loads households and members from an existing ledger spreadsheet (台账): CSV or
/// tab-separated text in any encoding the offices save (UTF-8 with or without BOM, UTF-16,
/// GBK/GB18030 — see ``OfficeText``), or an `.xlsx` workbook (its first sheet). One row per
/// member; rows with the same 户编号 form one household, whose fields come from its first good
/// row, and whose benefit account (开户银行, 账户名称, 银行账号) every row that gives one must agree on.
///
/// Title rows above the header (`五星村低保台账`, `制表单位：…`) are skipped: the header is the first
/// row that holds every required column name. Every row is validated; a bad row is reported with
/// its line number (the row number Excel shows, for a workbook) and reason and written nowhere;
/// good rows land, each through the normal change capture. An ID or account number Excel has
/// turned into a number (`5.11011E+17`) is named as such, with what to do.
/// The column layout is documented in `docs/LEDGER-CSV.md` with a sample file.
public struct LedgerImport: Sendable {
    /// The columns, by their header text.
    public enum Column: String, CaseIterable, Sendable {
        case householdKey = "户编号"
        case village = "村(社区)代码"
        case hukou = "户籍地代码"
        case address = "家庭住址"
        case categories = "户类别"
        case name = "姓名"
        case residentID = "身份证号"
        case relation = "与户主关系"
        case labourCapacity = "劳动能力"
        case employment = "就业状况"
        case health = "健康状况"
        case disabilityCategory = "残疾类别"
        case disabilityGrade = "残疾等级"
        case phone = "联系电话"
        case bank = "开户银行"
        case accountName = "账户名称"
        case accountNumber = "银行账号"

        static let required: [Column] = [.householdKey, .village, .address, .name, .residentID, .relation]

        /// The header texts read as this column: its name and the other names ledgers use.
        public var names: [String] {
            switch self {
            case .village: [rawValue, "村代码", "村（社区）代码"]
            case .bank: [rawValue, "开户行"]
            case .accountName: [rawValue, "账户名", "户名"]
            case .accountNumber: [rawValue, "一卡通账号", "银行卡号", "账号"]
            default: [rawValue]
            }
        }

        /// The column a header text names, if any (spaces around it ignored).
        static func named(_ title: String) -> Column? {
            let t = title.trimmingCharacters(in: .whitespacesAndNewlines)
            return allCases.first { $0.names.contains(t) }
        }
    }

    /// Rows looked at for the header, from the top of the file.
    static let headerSearchRows = 30

    /// What an import did.
    public struct Report: Sendable, Codable, Hashable {
        public var households = 0
        public var members = 0
        public var rejected: [Rejection] = []
        public var rows: Int { members + rejected.count }
    }

    /// A row that was not imported.
    public struct Rejection: Sendable, Codable, Hashable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    public let store: FieldStore

    public init(store: FieldStore) { self.store = store }

    /// Imports a ledger file's contents: an `.xlsx` workbook (recognised by its bytes) or CSV text.
    ///
    /// - Parameter sheet: for a workbook, the sheet to read (default: the first).
    /// - Throws: ``FieldError`` for a file that cannot be read at all (no text in any encoding
    ///   tried, not a workbook, no header row with the required columns); row problems are
    ///   reported, not thrown.
    public func run(_ data: Data, sheet: String? = nil, makeID: () -> UUID = { UUID() }) throws -> Report {
        let all = try Self.records(data, sheet: sheet)
        let (index, headerAt) = try Self.header(all)
        let records = all[(headerAt + 1)...].filter { !$0.fields.allSatisfy { Self.cellText($0).isEmpty } }
        let accounts = Self.accounts(records, index: index)
        var report = Report()
        var households: [String: UUID] = [:]  // 户编号 → registered household
        var pending = Array(records)[...]
        while !pending.isEmpty {
            // a chunk of rows in one transaction, each row still atomic on its own (FieldStore.performEach)
            let chunk = pending.prefix(Self.chunkSize)
            pending = pending.dropFirst(chunk.count)
            var planned: [(record: CSVReader.Record, key: String, registers: UUID?, dependsOnChunk: Bool)] = []
            var actions: [FieldAction] = []
            var registeredInChunk: [String: UUID] = [:]
            for record in chunk {
                func value(_ c: Column) -> String { Self.value(c, of: record, index: index) }
                do {
                    let key = value(.householdKey)
                    guard !key.isEmpty else { throw FieldError(.validation, field: Column.householdKey.rawValue, "is empty") }
                    if let i = index[.residentID], record.numbers.contains(i) { throw Self.storedAsNumber(value(.residentID)) }
                    let account = try accounts[key]?.get()
                    if let household = households[key] ?? registeredInChunk[key] {
                        actions.append(.addMember(try Self.member(value, household: household, id: makeID())))
                        planned.append((record, key, nil, households[key] == nil))
                    } else {
                        let household = try Self.household(value, account: account, id: makeID())
                        let member = try Self.member(value, household: household.id, id: makeID())
                        actions.append(.registerHousehold(household, members: [member]))
                        planned.append((record, key, household.id, false))
                        registeredInChunk[key] = household.id
                    }
                } catch {
                    report.rejected.append(Rejection(line: record.line, reason: Self.reason(error)))
                }
            }
            var failedKeys = Set<String>()
            var retry: [CSVReader.Record] = []
            for (plan, result) in zip(planned, try store.performEach(actions)) {
                switch result {
                case .success:
                    if let household = plan.registers {
                        households[plan.key] = household
                        report.households += 1
                    }
                    report.members += 1
                case .failure(var error):
                    if let field = error.field, let column = Self.columns[field] { error.field = column.rawValue }
                    if plan.registers != nil { failedKeys.insert(plan.key) }
                    if plan.dependsOnChunk, failedKeys.contains(plan.key) {
                        // its household's first row was refused: the next row of the household registers it
                        retry.append(plan.record)
                    } else {
                        report.rejected.append(Rejection(line: plan.record.line, reason: error.description))
                    }
                }
            }
            pending = retry[...] + pending
        }
        report.rejected.sort { $0.line < $1.line }
        return report
    }

    /// The column each record field the store may complain of comes from.
    static let columns: [String: Column] = [
        "village": .village, "hukou": .hukou, "address": .address, "categories": .categories, "phone": .phone,
        "name": .name, "residentID": .residentID, "relation": .relation, "labourCapacity": .labourCapacity,
        "employment": .employment, "health": .health, "disability": .disabilityCategory, "disability.grade": .disabilityGrade,
        "benefitAccount": .accountNumber,
    ]

    /// Rows written per transaction.
    static let chunkSize = 500

    static func reason(_ error: any Error) -> String {
        (error as? FieldError)?.description ?? "\(error)"
    }

    static func household(_ value: (Column) -> String, account: BenefitAccount? = nil, id: UUID) throws -> Household {
        let village: OrgCode
        do { village = try OrgCode(value(.village)) } catch { throw FieldError(.validation, field: Column.village.rawValue, "\(error)") }
        let hukouText = value(.hukou)
        let hukou: OrgCode
        do { hukou = hukouText.isEmpty ? village : try OrgCode(hukouText) } catch { throw FieldError(.validation, field: Column.hukou.rawValue, "\(error)") }
        var categories = Set<HouseholdCategory>()
        for part in value(.categories).split(whereSeparator: { "；;、,/ ".contains($0) }) where !part.isEmpty {
            guard let c = HouseholdCategory.allCases.first(where: { $0.chineseName == part || $0.chineseName.hasPrefix(part) }) else {
                throw FieldError(.validation, field: Column.categories.rawValue,
                                 "\(part) is not a category: use \(HouseholdCategory.allCases.map(\.chineseName).joined(separator: "、"))")
            }
            categories.insert(c)
        }
        let phone = value(.phone)
        return Household(id: id, village: village, hukou: hukou, address: value(.address), phone: phone.isEmpty ? nil : phone,
                         categories: categories, benefitAccount: account)
    }

    static func member(_ value: (Column) -> String, household: UUID, id: UUID) throws -> Member {
        let residentID: ResidentID
        do { residentID = try ResidentID(value(.residentID)) } catch { throw FieldError(.validation, field: Column.residentID.rawValue, error.reason) }
        let relation: Relation = try pick(value(.relation), .relation, aliases: Relation.otherNames)
        let labour: LabourCapacity = try pick(value(.labourCapacity), .labourCapacity, default: .full, aliases: LabourCapacity.otherNames)
        let employment: Employment = try pick(value(.employment), .employment, default: .other, aliases: Employment.otherNames)
        let health: Health = try pick(value(.health), .health, default: .healthy, aliases: [:])
        var disability: Disability?
        let category = value(.disabilityCategory), gradeText = value(.disabilityGrade)
        if !category.isEmpty || !gradeText.isEmpty {
            let kind: DisabilityCategory = try pick(category.replacingOccurrences(of: "残疾", with: ""), .disabilityCategory, aliases: [:])
            let grades = ["一级": 1, "二级": 2, "三级": 3, "四级": 4, "1": 1, "2": 2, "3": 3, "4": 4]
            guard let grade = grades[gradeText] else {
                throw FieldError(.validation, field: Column.disabilityGrade.rawValue, "\"\(gradeText)\" is not a grade: use 一级–四级 or 1–4")
            }
            disability = try Disability(category: kind, grade: grade)
        }
        let name = value(.name)
        guard !name.isEmpty else { throw FieldError(.validation, field: Column.name.rawValue, "is empty") }
        return Member(id: id, household: household, name: name, residentID: residentID, relation: relation, employment: employment,
                      labourCapacity: labour, health: health, disability: disability)
    }

    /// Reads a Chinese label as one of an enum's cases (its `chineseName`, or an alias).
    static func pick<E: CaseIterable & ChineseNamed>(_ text: String, _ column: Column, default fallback: E? = nil, aliases: [String: E]) throws -> E {
        if text.isEmpty, let fallback { return fallback }
        if let e = aliases[text] ?? E.allCases.first(where: { $0.chineseName == text }) { return e }
        let allowed = E.allCases.map(\.chineseName) + aliases.keys.sorted()
        throw FieldError(.validation, field: column.rawValue, "\"\(text)\" is not one of \(allowed.joined(separator: "、"))")
    }
}

/// Enums with an official Chinese label.
protocol ChineseNamed { var chineseName: String { get } }
extension Relation: ChineseNamed {}
extension LabourCapacity: ChineseNamed {}
extension Employment: ChineseNamed {}
extension Health: ChineseNamed {}
extension DisabilityCategory: ChineseNamed {}
