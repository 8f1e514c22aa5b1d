import DoudiField
import DoudiModel
import DoudiServer
import DoudiText
import Foundation
import Hummingbird

/// The payment roll of a month (发放花名册): its page, and the files for the bank and Excel —
/// what `doudi roll MONTH --csv --xlsx --bank-batch` writes.
extension ConsoleController {
    /// The roll of `?month=` (default this month) for the town in the path, and its town's name.
    func townRoll(_ request: Request, _ context: DoudiRequestContext, _ session: ConsoleSession) async throws -> (PaymentRoll, String, OrgCode) {
        let town = try self.town(context, session)
        let month = try month(request)
        let store = try await fresh(session)
        let name = try store.orgTree()[town]?.name ?? town.value
        do {
            let (roll, _) = try store.paymentRoll(month: month, within: town, issuer: "\(name)民政", preparedOn: today())
            return (roll, name, town)
        } catch { throw ConsoleError(.refused, "\(month) 的发放花名册做不出来 the roll cannot be made: \(error)") }
    }

    /// Only those who may see full ID and account numbers take the bank's files.
    func requireBankFiles(_ session: ConsoleSession) throws {
        guard session.actor.role == .townApprover || session.actor.role == .districtOfficer else {
            throw ConsoleError(.forbidden, "发放花名册文件含完整身份证号和账号，仅镇(街道)审批人员和区民政局可下载 the bank's files carry full ID and account numbers")
        }
    }

    /// `GET /console/towns/{town}/roll[?month=YYYY-MM]`: totals, what keeps lines off the roll, the files.
    func rollPage(_ request: Request, _ context: DoudiRequestContext, _ session: ConsoleSession) async throws -> Response {
        let (roll, name, town) = try await townRoll(request, context, session)
        let month = roll.month.iso
        var warnings: [String] = []
        for l in roll.missingAccounts { warnings.append("缺少一卡通账户：第 \(l.number) 行 \(l.payeeName) \(l.itemName) \(l.total.yuanText) 元（户 \(Labels.short(l.household))）：村里补登账户后才能交银行") }
        for e in roll.suspended { warnings.append("暂停发放：户 \(Labels.short(e.household)) 已注销而未作停保决定（\(e.programme.chineseName) \(e.monthlyAmount.yuanText)/月）") }
        for e in roll.withheld { warnings.append("不予发放：户 \(Labels.short(e.household)) 渐退期已满（\(e.programme.chineseName)）") }
        for group in roll.contradictions { warnings.append("回盘矛盾：第 \(group[0].reference) 行被记录为不同结果，请向银行核实") }
        var files: [[String: String]] = []
        let canDownload = session.actor.role == .townApprover || session.actor.role == .districtOfficer
        if canDownload, warnings.isEmpty || (roll.missingAccounts.isEmpty && roll.contradictions.isEmpty) {
            let base = "/console/towns/\(town.value)"
            files.append(["href": "\(base)/roll.csv?month=\(month)", "label": "花名册 CSV（银行、Excel）"])
            files.append(["href": "\(base)/roll.xlsx?month=\(month)", "label": "花名册 Excel 工作簿 (.xlsx)"])
            do {
                let formats = try BankFormatDirectory(path: banks).load()
                let batches: [BankBatch]
                do { batches = try roll.bankBatches(formats: formats) } catch {
                    for l in error.unserved { warnings.append("无银行格式：第 \(l.number) 行 \(l.payeeName) 的开户行 \(l.account?.bank ?? "") 没有代发格式（\(banks)）") }
                    batches = []
                }
                for b in batches {
                    files.append(["href": "\(base)/bank/\(Self.pathPart(b.fileName))?month=\(month)", "label": "\(b.format.name) 代发批量文件（\(b.count) 笔，\(b.total.yuanText) 元）"])
                    if let control = b.controlFileName { files.append(["href": "\(base)/bank/\(Self.pathPart(control))?month=\(month)", "label": "\(b.format.name) 控制文件"]) }
                }
            } catch {
                warnings.append("银行代发格式读不出来（\(banks)）：\(error)")
            }
        }
        let formats = (try? BankFormatDirectory(path: banks).load()) ?? []
        return pages.page("roll", title: roll.title, session: session, flash: await flash(session), [
            "canReconcile": canDownload && !formats.isEmpty, "csrf": session.csrf, "today": today().iso,
            "formats": formats.map { ["value": $0.id, "text": $0.name] },
            "title": roll.title, "town": name, "code": town.value, "month": month, "issuer": roll.issuer,
            "totals": roll.totals.map { ["town": $0.townName, "programme": $0.programme.chineseName, "households": "\($0.households)",
                                         "persons": "\($0.persons)", "amount": $0.amount.yuanText] },
            "households": "\(roll.households)", "persons": "\(roll.persons)", "total": roll.grandTotal.yuanText, "lines": "\(roll.lines.count)",
            "warnings": warnings, "files": files,
        ])
    }

    /// `GET /console/towns/{town}/roll.csv[?month=YYYY-MM]`: the roll for the bank (full numbers).
    func roll(_ request: Request, _ context: DoudiRequestContext, _ session: ConsoleSession) async throws -> Response {
        try requireBankFiles(session)
        let (roll, name, _) = try await townRoll(request, context, session)
        do { try roll.checkReadyForBank() } catch { throw ConsoleError(.refused, "花名册尚不能交银行 the roll is not ready for the bank: \(error)") }
        return ConsolePages.download(Data(roll.csv().utf8), type: "text/csv; charset=utf-8", fileName: "\(name)\(roll.month.iso)发放花名册.csv")
    }

    /// `GET /console/towns/{town}/roll.xlsx[?month=YYYY-MM]`: the roll as an Excel workbook.
    func rollWorkbook(_ request: Request, _ context: DoudiRequestContext, _ session: ConsoleSession) async throws -> Response {
        try requireBankFiles(session)
        let (roll, name, _) = try await townRoll(request, context, session)
        do { try roll.checkReadyForBank() } catch { throw ConsoleError(.refused, "花名册尚不能交银行 the roll is not ready for the bank: \(error)") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-roll-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: file) }
        do { try roll.writeXLSX(to: file) } catch { throw ConsoleError(.refused, "工作簿写不出来 the workbook cannot be written: \(error)") }
        return ConsolePages.download(try Data(contentsOf: file), type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                     fileName: "\(name)\(roll.month.iso)发放花名册.xlsx")
    }

    /// `GET /console/towns/{town}/bank/{file}?month=YYYY-MM`: one bank's batch (or control) file, in the bank's encoding.
    func bankBatch(_ request: Request, _ context: DoudiRequestContext, _ session: ConsoleSession) async throws -> Response {
        try requireBankFiles(session)
        let (roll, _, _) = try await townRoll(request, context, session)
        let formats: [BankFormat]
        do { formats = try BankFormatDirectory(path: banks).load() } catch { throw ConsoleError(.unavailable, "银行格式读不出来 the bank formats cannot be read: \(error)") }
        let batches: [BankBatch]
        do { batches = try roll.bankBatches(formats: formats) } catch { throw ConsoleError(.refused, "花名册尚不能交银行: \(error)") }
        let given = context.parameters.get("file") ?? ""
        let name = given.removingPercentEncoding ?? given
        for b in batches {
            if b.fileName == name {
                return ConsolePages.download(try TextCodec.encode(b.text, as: b.format.encoding), type: "text/plain", fileName: name)
            }
            if b.controlFileName == name, let control = b.controlText {
                return ConsolePages.download(try TextCodec.encode(control, as: b.format.encoding), type: "text/plain", fileName: name)
            }
        }
        throw ConsoleError(.notFound, "\(roll.month) 的花名册没有 \(name) 这个文件")
    }

    /// A file name as one part of a URL path.
    static func pathPart(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._"))) ?? name
    }

    /// `POST /console/towns/{town}/roll/reconcile` (a file): the bank's result file (回盘) recorded,
    /// as `doudi roll reconcile FILE --format ID`.
    func reconcile(_ context: DoudiRequestContext, _ session: ConsoleSession, _ form: FormBody) async throws -> Response {
        try requireBankFiles(session)
        let town = try self.town(context, session)
        guard let file = form.files["file"], !file.data.isEmpty else { throw ConsoleError(.badInput, field: "file", "请选择银行的回盘文件 choose the bank's result file") }
        let formats: [BankFormat]
        do { formats = try BankFormatDirectory(path: banks).load() } catch { throw ConsoleError(.unavailable, "银行格式读不出来: \(error)") }
        guard let format = formats.first(where: { $0.id == form["format"] }) else {
            throw ConsoleError(.badInput, field: "format", "请选择银行格式：\(formats.map(\.id).joined(separator: "、"))")
        }
        let carry: YearMonth? = try form["carryTo"].map { text in
            do { return try YearMonth(iso: text) } catch { throw ConsoleError(.badInput, field: "carryTo", "补发年月应为 YYYY-MM：\(text)") }
        }
        let store = session.store
        _ = try? await copies.sync(store, user: session.actor.user, force: true)
        let recorded = try store.recordBankAnswer(file.data, format: format, within: town, on: try day(form["date"]), carryTo: carry, batch: file.fileName)
        let r = recorded.reconciliation
        let paid = r.returns.filter { $0.outcome == .paid }, failed = r.returns.filter { $0.outcome == .failed }
        var text = "回盘已登记（\(format.name)）：已到账 \(paid.count) 笔 \(paid.reduce(Money.zero) { $0 + $1.amount }.yuanText) 元，"
            + "未到账 \(failed.count) 笔 \(failed.reduce(Money.zero) { $0 + $1.amount }.yuanText) 元"
            + (r.alreadyRecorded.isEmpty ? "" : "，\(r.alreadyRecorded.count) 笔此前已登记")
        for (answer, line) in r.failures {
            let carried = r.returns.first { $0.reference == answer.reference }?.carryTo.map { "，\($0) 补发" } ?? ""
            text += "；未到账：\(line.payeeName) \(line.itemName) \(line.total.yuanText) 元（\(answer.reason ?? answer.status)\(carried)）"
        }
        let back = "/console/towns/\(town.value)/roll?month=\(form["month"] ?? "")"
        return try await pushed(recorded.changeSet, session, text, then: back)
    }
}
