import DoudiField
import DoudiModel
import DoudiServer
import DoudiSync
import DoudiText
import Foundation
import Hummingbird

/// The notice sheet, the roll and the ledger to download, the reserve fund, the district's
/// dashboard and the conflicts to settle.
extension ConsoleController {
    /// `GET /console/towns/{town}/notice-sheet[?posted=DAY&office=…&phone=…]`: the printable sheet (A4).
    func noticeSheet(_ request: Request, _ context: DoudiRequestContext, _ session: ConsoleSession) async throws -> Response {
        let town = try self.town(context, session)
        let store = try await fresh(session)
        // blank: the latest posting
        let posted = try request.uri.queryParameters["posted"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }.map { try day($0, field: "posted") }
        let phone = request.uri.queryParameters["phone"].map(String.init).flatMap { $0.isEmpty ? nil : $0 } ?? "12345"
        let office = request.uri.queryParameters["office"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        guard let sheet = try store.noticeSheet(within: town, posted: posted, office: office, phone: phone) else {
            throw ConsoleError(.notFound, "\(town.value) 没有公示中的申请 no application of this town is on notice: post one from a case page (张榜公示)")
        }
        return ConsolePages.html(sheet.html())
    }

    /// `GET /console/towns/{town}/ledger.csv`: the town's ledger (台账) as of today.
    func ledger(_ request: Request, _ context: DoudiRequestContext, _ session: ConsoleSession) async throws -> Response {
        let town = try self.town(context, session)
        let store = try await fresh(session)
        let day = today()
        let policy: PolicyVersion
        do { policy = try store.policyBook().inForce(on: day) } catch { throw ConsoleError(.refused, "今天没有生效的政策版本: \(error)") }
        let ledger = TownLedger(town: town, cases: try store.householdCases(within: town, includingVoided: true), policy: policy, asOf: day,
                                org: try store.orgTree(), bankReturns: try store.bankReturns(within: town))
        return ConsolePages.download(ledger.csv(), type: "text/csv; charset=utf-8", fileName: "\(ledger.title).csv")
    }

    /// `GET /console/towns/{town}/reserve-fund`
    func reserveFund(_ context: DoudiRequestContext, _ session: ConsoleSession) async throws -> Response {
        let town = try self.town(context, session)
        let store = try await fresh(session)
        let fund = try store.reserveFund(town: town)
        let name = try store.orgTree()[town]?.name ?? town.value
        let canAllocate = ReserveFundEntry.Kind.allocation.writers.contains(session.actor.role)
        return pages.page("reserveFund", title: "\(name) 备用金", session: session, flash: await flash(session), [
            "town": name, "code": town.value, "balance": fund.balance.yuanText, "csrf": session.csrf, "today": today().iso,
            "entries": fund.entries.map { ["date": $0.date.iso, "kind": $0.kind.chineseName, "amount": $0.amount.yuanText, "note": $0.note ?? ""] },
            "canAllocate": canAllocate, "entry": UUID().uuidString.lowercased(),
            "kinds": [["value": "allocation", "text": "预拨"], ["value": "replenishment", "text": "补充"]],
        ])
    }

    /// `POST /console/towns/{town}/reserve-fund`: the district allocates or replenishes.
    func allocate(_ context: DoudiRequestContext, _ session: ConsoleSession, _ form: FormBody) async throws -> Response {
        let town = try self.town(context, session)
        guard ReserveFundEntry.Kind.allocation.writers.contains(session.actor.role) else {
            throw ConsoleError(.forbidden, "备用金由区民政局预拨和补充（§3.6.5）the district allocates reserve funds")
        }
        guard let kind = form["kind"].flatMap(ReserveFundEntry.Kind.init(rawValue:)), kind != .draw else {
            throw ConsoleError(.badInput, field: "kind", "类别应为预拨或补充 allocation or replenishment")
        }
        let amount = try StepForm.money(try form.require("amount", "金额"), field: "amount")
        // the form's own id: the same form sent twice (a reload, a double click) records once
        guard let id = form["entry"].flatMap(UUID.init(uuidString:)) else { throw ConsoleError(.badInput, field: "entry", "表单已失效，请刷新页面后重试") }
        let back = "/console/towns/\(town.value)/reserve-fund"
        if try session.store.reserveFund(town: town).entries.contains(where: { $0.id == id }) {
            return await done(session, "这笔备用金已经登记过了（同一表单只登记一次）", then: back)
        }
        let entry = ReserveFundEntry(id: id, town: town, kind: kind, amount: amount, date: try day(form["date"]), note: form["note"])
        let changeSet = try session.store.perform(.fundReserve(entry))
        let balance = try session.store.reserveFund(town: town).balance
        return try await pushed(changeSet, session, "已登记备用金\(kind.chineseName) \(amount.yuanText) 元；余额 \(balance.yuanText) 元", then: back)
    }

    // MARK: - what falls due

    /// `GET /console/due[?within=DAYS]`: the worklist of the user's unit (`doudi due`).
    func due(_ request: Request, _ session: ConsoleSession) async throws -> Response {
        let within = request.uri.queryParameters["within"].flatMap { Int(String($0)) } ?? 30
        guard (1...366).contains(within) else { throw ConsoleError(.badInput, field: "within", "天数应为 1–366") }
        let store = try await fresh(session)
        let day = today()
        let policy: PolicyVersion
        do { policy = try store.policyBook().inForce(on: day) } catch { throw ConsoleError(.refused, "今天没有生效的政策版本: \(error)") }
        let org = session.actor.org
        let list = try store.dueList(within: org, policy: policy, asOf: day, withinDays: within)
        let tree = try store.orgTree()
        let rows = list.items.map { item -> [String: Any] in
            ["due": item.due.iso, "overdue": item.isOverdue(on: day), "village": tree[item.village]?.name ?? item.village.value,
             "household": item.household.map(Labels.short) ?? "—", "kind": item.kind.chineseName, "name": item.name,
             "residentID": item.residentID?.masked ?? "—", "detail": item.detail, "clause": "§\(item.clause)"]
        }
        return pages.page("due", title: "到期事项", session: session, flash: await flash(session), [
            "heading": "\(tree[org]?.name ?? org.value)到期事项（\(day.iso) 至 \(list.through.iso)，政策 \(policy.id)）",
            "within": "\(within)", "rows": rows, "overdue": "\(list.items.filter { $0.isOverdue(on: day) }.count)",
        ])
    }

    // MARK: - the dashboard

    /// The figures of the dashboard: per town and programme for `month`, per month and
    /// programme for the six months to it (from the payment rolls' rules).
    struct Dashboard {
        var month: YearMonth
        var programmes: [Programme]
        var towns: [(code: OrgCode, name: String, totals: [Programme: PaymentRoll.Total])]
        var months: [(month: YearMonth, amounts: [Programme: Money])]
    }

    func dashboardFigures(_ request: Request, _ session: ConsoleSession) async throws -> Dashboard {
        guard session.actor.org.level == .district else {
            throw ConsoleError(.forbidden, "统计为区民政局的页面 the dashboard is the district's")
        }
        let month = try month(request)
        let store = try await fresh(session)
        let org = session.actor.org
        let tree = try store.orgTree()
        let cases = try store.householdCases(within: org, includingVoided: true)
        let returns = try store.bankReturns(within: org)
        let book = try store.policyBook()
        func roll(_ m: YearMonth) throws -> PaymentRoll? {
            guard let policy = try? book.inForce(forRollOf: m) else { return nil }
            return PaymentRoll(month: m, cases: cases, oneOffPayments: try store.payments(in: m), bankReturns: returns, policy: policy,
                               org: tree, issuer: "", preparedOn: today())
        }
        var months: [(YearMonth, [Programme: Money])] = []
        var current: PaymentRoll?
        for back in stride(from: 5, through: 0, by: -1) {
            let m = month.adding(months: -back)
            guard let r = try roll(m) else { continue }
            if back == 0 { current = r }
            months.append((m, Dictionary(uniqueKeysWithValues: Programme.allCases.map { ($0, r.total(for: $0)) })))
        }
        let towns = tree.children(of: org).map { unit in
            let totals = (current?.totals ?? []).filter { $0.town == unit.code }
            return (unit.code, unit.name, Dictionary(totals.map { ($0.programme, $0) }, uniquingKeysWith: { a, _ in a }))
        }
        let used = Programme.allCases.filter { p in months.contains { ($0.1[p] ?? .zero) > .zero } || towns.contains { $0.2[p] != nil } }
        return Dashboard(month: month, programmes: used, towns: towns, months: months)
    }

    /// `GET /console/dashboard[?month=YYYY-MM]`: caseload and money per programme by town and by month.
    func dashboard(_ request: Request, _ session: ConsoleSession) async throws -> Response {
        let d = try await dashboardFigures(request, session)
        let names = d.programmes.map(\.chineseName)
        let townChart = BarChart(series: names, bars: d.towns.map { t in
            BarChart.Bar(label: t.name, values: d.programmes.map { t.totals[$0]?.amount.fen ?? 0 })
        }, format: { Money(fen: $0).yuanText + " 元" }, title: "\(d.month.iso) 各镇(街道)月发放金额")
        let monthChart = BarChart(series: names, bars: d.months.map { m in
            BarChart.Bar(label: m.month.iso, values: d.programmes.map { m.amounts[$0]?.fen ?? 0 })
        }, format: { Money(fen: $0).yuanText + " 元" }, title: "逐月发放金额")
        let townRows = d.towns.map { t -> [String: Any] in
            ["name": t.name,
             "cells": d.programmes.map { p in t.totals[p].map { "\($0.households)/\($0.persons)/\($0.amount.yuanText)" } ?? "—" },
             "total": t.totals.values.reduce(Money.zero) { $0 + $1.amount }.yuanText]
        }
        let monthRows = d.months.map { m -> [String: Any] in
            ["month": m.month.iso, "cells": d.programmes.map { (m.amounts[$0] ?? .zero).yuanText },
             "total": m.amounts.values.reduce(Money.zero, +).yuanText]
        }
        return pages.page("dashboard", title: "统计", session: session, flash: await flash(session), [
            "heading": "统计 Dashboard（\(d.month.iso)）", "month": d.month.iso, "programmes": names,
            "towns": d.towns.map { ["code": $0.code.value, "name": $0.name] },
            "townChart": townChart.svg(), "monthChart": monthChart.svg(), "townRows": townRows, "monthRows": monthRows,
        ])
    }

    /// `GET /console/dashboard.csv[?month=YYYY-MM]`: the dashboard's two tables.
    func dashboardCSV(_ request: Request, _ session: ConsoleSession) async throws -> Response {
        let d = try await dashboardFigures(request, session)
        var csv = CSVText()
        csv.append(["统计月份", d.month.iso])
        csv.append(["镇(街道)", "救助项目", "户数", "人数", "金额(元)"])
        for t in d.towns {
            for p in d.programmes {
                let total = t.totals[p]
                csv.append([t.name, p.chineseName, "\(total?.households ?? 0)", "\(total?.persons ?? 0)", (total?.amount ?? .zero).yuanText])
            }
        }
        csv.appendBlankRow()
        csv.append(["月份"] + d.programmes.map(\.chineseName) + ["合计"])
        for m in d.months {
            csv.append([m.month.iso] + d.programmes.map { (m.amounts[$0] ?? .zero).yuanText } + [m.amounts.values.reduce(Money.zero, +).yuanText])
        }
        return ConsolePages.download(csv.text, type: "text/csv; charset=utf-8", fileName: "统计\(d.month.iso).csv")
    }

    // MARK: - conflicts

    /// Fields whose values the conflicts page never shows (ID and account numbers, health, disability, phone).
    static let sensitiveFields: Set<String> = ["residentID", "benefitAccount", "phone", "health", "seriousIllness", "disability",
                                               "accountNumber", "incomes", "deductions", "assets"]

    /// `GET /console/conflicts`: the open conflicts of the user's scope.
    func conflicts(_ session: ConsoleSession) async throws -> Response {
        let store = try await fresh(session)
        let rows = try store.conflicts().map { stored -> [String: Any] in
            let c = stored.conflict
            var lines = [Labels.maskingResidentIDs(c.message)]
            if let field = c.field {
                lines.append("字段 \(Labels.field(field))")
                // one field's two values, unless the field is personal data; a whole record never
                if Self.sensitiveFields.contains(field) {
                    lines.append("（敏感信息，两个值不在此显示：请在笔记本上用 doudi conflicts show 查看）")
                } else {
                    lines.append("保留值 kept: \(Labels.maskingResidentIDs(c.kept.canonicalText))")
                    lines.append("另一值 other: \(Labels.maskingResidentIDs(c.other.canonicalText))")
                }
            }
            let detail = lines.joined(separator: "\n")
            return ["id": c.id.uuidString.lowercased(), "title": "\(c.kind.chineseName)：\(c.entity.chineseName) \(Labels.short(c.record))（\(c.village.value)）",
                    "detail": detail, "settleable": c.canBeSettled(by: session.actor), "csrf": session.csrf]
        }
        return pages.page("conflicts", title: "冲突", session: session, flash: await flash(session), ["rows": rows])
    }

    /// `POST /console/conflicts/{id}/resolve`: settles a conflict keeping what stands, with the note.
    func resolveConflict(_ context: DoudiRequestContext, _ session: ConsoleSession, _ form: FormBody) async throws -> Response {
        guard let id = context.parameters.get("conflict").flatMap(UUID.init(uuidString:)) else { throw ConsoleError(.notFound, "冲突编号有误") }
        let note = try form.require("note", "处理说明")
        let changeSet = try session.store.perform(.resolveConflicts([id], note: note, with: nil))
        return try await pushed(changeSet, session, "冲突已处理", then: "/console/conflicts")
    }

    /// `?month=YYYY-MM`, default this month.
    func month(_ request: Request) throws -> YearMonth {
        guard let text = request.uri.queryParameters["month"].map(String.init), !text.isEmpty else {
            let today = today()
            return today.yearMonth
        }
        do { return try YearMonth(iso: text) } catch { throw ConsoleError(.badInput, field: "month", "月份应为 YYYY-MM：\(text)") }
    }
}
