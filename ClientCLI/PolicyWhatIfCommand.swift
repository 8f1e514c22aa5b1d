import ArgumentParser
import DoudiField
import DoudiModel
import DoudiText
import Foundation

/// `doudi policy what-if --draft FILE [--month YYYY-MM] [--town CODE] [--csv FILE] [--json]`: what a
/// draft policy version would cost, per town and programme, and who would gain or lose.
struct PolicyWhatIfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "what-if",
        abstract: "草案测算 What a draft policy file would cost: caseload and monthly money per town and programme, and the households that gain or lose.",
        discussion: """
            Every household of your jurisdiction that is not voided is assessed twice on the month's last \
            day: under the version in force for that month's payment roll and under the draft (a file like \
            ServerConfig/policy/dongxing-2020.json, checked as `policy publish` checks it; nothing is \
            published). The caseload is assessed eligibility, not the enrolments on the roll; temporary aid \
            (§3.6) is one-off and left out of the monthly money. Money in --json is integer fen; resident ID \
            numbers are never shown. See docs/TOWN-AND-DISTRICT.md.
            """)

    @Option(help: ArgumentHelp("草案 The draft policy version file (JSON).", valueName: "file")) var draft: String
    @Option(help: ArgumentHelp("测算月份 YYYY-MM (default: the later of this month and the draft's effectiveFrom month).", valueName: "month"))
    var month: String?
    @Option(help: ArgumentHelp("镇 9-digit town code (default: every town in your jurisdiction).", valueName: "town")) var town: String?
    @Option(help: ArgumentHelp("Write CSV (UTF-8 with BOM) here.", valueName: "file")) var csv: String?
    @Flag(help: "Print every household that gains or loses, not only the first 50.") var allChanges = false
    @Flag(help: "输出 JSON: totals per town and programme and every change, money in fen, for scripts.") var json = false
    @OptionGroup(title: "Store") var storeOptions: StoreOptions

    func validate() throws {
        if let month { _ = try Parse.month(month, option: "--month") }
        if let town { _ = try Parse.orgCode(town, option: "--town") }
    }

    func run() throws {
        try reportingFailures {
            let draftPolicy = try PolicyVersion.load(json: try DocumentFile.read(draft), document: draft)
            let store = try storeOptions.open()
            let org = try ReportScope.org(town, store: store)
            let ym = try month.map { try Parse.month($0, option: "--month") }
                ?? max(try SystemClock.today().yearMonth, draftPolicy.effectiveFrom.yearMonth)
            let current = try store.policyBook().inForce(forRollOf: ym)
            guard draftPolicy.district == current.district else {
                throw CommandFailure("\(draft): district is \(draftPolicy.district) but this store's policy is for \(current.district): a draft for another district would refuse every household's hukou (§3.1.0); fix the draft's district")
            }
            let tree = try store.orgTree()
            let whatIf = PolicyWhatIf(cases: try store.householdCases(within: org), org: tree, current: current,
                                      draft: draftPolicy, month: ym)
            if json {
                // standard output stays one JSON document: the CSV, if asked for too, is written without a word
                if let csv {
                    do { try Data(whatIf.csv(shortID: Labels.short).utf8).write(to: URL(fileURLWithPath: csv)) } catch {
                        throw CommandFailure("cannot write the what-if CSV to \(csv): \(error.localizedDescription); check that the folder exists and is writable")
                    }
                }
                print(try JSONOutput.string(PolicyWhatIfReport(whatIf, current: current, draft: draftPolicy)))
                return
            }
            print(Self.text(whatIf, draft: draftPolicy, scope: ReportScope.name(org, tree), all: allChanges), terminator: "")
            if let csv { try ReportScope.write(whatIf.csv(shortID: Labels.short), to: csv, what: "草案测算 policy what-if (CSV)") }
        }
    }

    /// The terminal report: the title, the two versions, the caseload table, the note, then the changes.
    static func text(_ w: PolicyWhatIf, draft: PolicyVersion, scope: String, all: Bool) -> String {
        var out = "\(scope) \(w.title)\n"
        out += "  现行 In force: \(w.currentPolicy)（\(w.currentTitle)）\n"
        out += "  草案 Draft:    \(w.draftPolicy)（\(w.draftTitle)），自 \(draft.effectiveFrom) 起施行，低保标准 \(draft.dibao.standard.yuanText) 元/月\n"
        if w.draftPolicy == w.currentPolicy {
            out += "  注意 The draft has the id of the version in force: give a new draft its own id before publishing it\n"
        }
        out += "  测算户数 Households assessed: \(w.householdsAssessed)\n"
        var table = Table(PolicyWhatIf.caseloadColumns, rightAligned: Set(2...10))
        for row in w.rows { table.append(PolicyWhatIf.cells(row, plusSign: true)) }
        out += table.render()
        out += PolicyWhatIf.note + "\n"
        guard !w.changes.isEmpty else { return out + "没有户的待遇发生变化 No household gains or loses.\n" }
        let counts = PolicyWhatIf.Change.Kind.allCases.compactMap { kind -> String? in
            let n = w.changes.filter { $0.kind == kind }.count
            return n == 0 ? nil : "\(kind.chineseName) \(n)"
        }
        out += "变化 Households that gain or lose（\(counts.joined(separator: "，"))）:\n"
        var changes = Table(Array(PolicyWhatIf.changeColumns.dropLast()), rightAligned: [7, 8, 9], indent: 2)
        for c in w.changes.prefix(all ? Int.max : 50) {
            changes.append(Array(PolicyWhatIf.cells(c, shortID: Labels.short, plusSign: true).dropLast()))
        }
        out += changes.render()
        if !all, w.changes.count > 50 {
            out += "… 共 \(w.changes.count) 项 changes (--all-changes to print every one, --csv FILE or --json for all with their explanation)\n"
        }
        return out
    }
}

/// The `--json` output of `doudi policy what-if`: codes and Chinese names, money in integer
/// fen, ids as lowercase UUIDs; keys always present (`null` when empty). No resident ID numbers.
struct PolicyWhatIfReport: Encodable {
    struct Version: Encodable {
        var id: String
        var title: String
        var effectiveFrom: String
        var dibaoStandardFen: Int64
        init(_ v: PolicyVersion) { id = v.id; title = v.title; effectiveFrom = v.effectiveFrom.iso; dibaoStandardFen = v.dibao.standard.fen }
    }
    struct Caseload: Encodable {
        var households: Int
        @Nullable var persons: Int?
        var monthlyAmountFen: Int64
        init(_ c: PolicyWhatIf.Caseload) { households = c.households; persons = c.persons; monthlyAmountFen = c.monthlyAmount.fen }
    }
    struct Row: Encodable {
        @Nullable var town: String?
        var townName: String
        @Nullable var programme: String?
        var programmeName: String
        var current: Caseload
        var draft: Caseload
        var difference: Caseload
        init(_ r: PolicyWhatIf.Row) {
            town = r.town?.value; townName = r.townName; programme = r.programme?.rawValue; programmeName = r.programmeName
            current = Caseload(r.current); draft = Caseload(r.draft); difference = Caseload(r.difference)
        }
    }
    struct Change: Encodable {
        var kind: String
        var kindName: String
        var town: String
        var townName: String
        var village: String
        var villageName: String
        var household: String
        var householdShortID: String
        var headName: String
        @Nullable var member: String?
        @Nullable var memberName: String?
        var programme: String
        var programmeName: String
        @Nullable var beforeFen: Int64?
        @Nullable var afterFen: Int64?
        var differenceFen: Int64
        @Nullable var clause: String?
        var reason: String
        init(_ c: PolicyWhatIf.Change) {
            kind = c.kind.rawValue; kindName = c.kind.chineseName; town = c.town.value; townName = c.townName
            village = c.village.value; villageName = c.villageName; household = JSONOutput.id(c.household)
            householdShortID = Labels.short(c.household); headName = c.headName; member = c.member.map(JSONOutput.id)
            memberName = c.memberName; programme = c.programme.rawValue; programmeName = c.programme.chineseName
            beforeFen = c.before?.fen; afterFen = c.after?.fen; differenceFen = c.difference.fen; clause = c.clause; reason = c.reason
        }
    }

    var month: String
    var asOf: String
    var current: Version
    var draft: Version
    var householdsAssessed: Int
    var note: String
    var rows: [Row]
    var changes: [Change]

    init(_ w: PolicyWhatIf, current: PolicyVersion, draft: PolicyVersion) {
        month = w.month.iso; asOf = w.asOf.iso
        self.current = Version(current); self.draft = Version(draft)
        householdsAssessed = w.householdsAssessed; note = PolicyWhatIf.note
        rows = w.rows.map(Row.init); changes = w.changes.map(Change.init)
    }
}
