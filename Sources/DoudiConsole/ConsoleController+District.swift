import DoudiField
import DoudiModel
import DoudiServer
import DoudiSync
import DoudiText
import Foundation
import Hummingbird

/// The district's administration in the console: users and devices (through the admin API),
/// policy versions and price subsidies (change sets, as `doudi policy publish|subsidy`).
extension ConsoleController {
    func addDistrictRoutes(to console: RouterGroup<DoudiRequestContext>) {
        console.get("users") { request, _ in await self.page(request) { s in try await self.users(s) } }
        console.post("users/:user/:action") { request, context in await self.form(request) { s, _ in try await self.userAction(context, s) } }
        console.post("devices/:device/revoke") { request, context in await self.form(request) { s, _ in try await self.revokeDevice(context, s) } }
        console.get("policy") { request, _ in await self.page(request) { s in try await self.policies(s) } }
        console.post("policy") { request, _ in await self.form(request) { s, form in try await self.publishPolicy(s, form) } }
        console.post("policy/subsidy") { request, _ in await self.form(request) { s, form in try await self.publishSubsidy(s, form) } }
        console.post("policy/what-if") { request, _ in await self.form(request) { s, form in try await self.whatIf(s, form) } }
    }

    /// Only a district officer administers users, devices and policy.
    func requireDistrictOfficer(_ session: ConsoleSession, _ what: String) throws {
        guard session.actor.role == .districtOfficer else {
            throw ConsoleError(.forbidden, "\(what)由区民政局经办人办理 (\(session.actor.role.chineseName) 无权)")
        }
    }

    // MARK: - users and devices

    /// `GET /console/users`
    func users(_ session: ConsoleSession) async throws -> Response {
        try requireDistrictOfficer(session, "用户与设备管理")
        let admin = try await copies.admin(session.store)
        let users: [UserSummary], devices: [DeviceSummary]
        do { (users, devices) = (try await admin.users(), try await admin.devices()) } catch { throw ConsoleError.action(error) }
        func time(_ seconds: Int64?) -> String { seconds.map { Labels.time(Date(timeIntervalSince1970: Double($0))) } ?? "—" }
        return pages.page("users", title: "用户与设备", session: session, flash: await flash(session), [
            "csrf": session.csrf,
            "users": users.map { u -> [String: Any] in
                let state = [u.disabled ? "已停用" : nil, u.locked ? "已锁定" : nil, u.mustChangePassword ? "须改密码" : nil,
                             u.failedLogins > 0 ? "失败 \(u.failedLogins) 次" : nil].compactMap { $0 }
                return ["user": u.user, "role": u.role.chineseName, "org": u.org.value, "state": state.isEmpty ? "正常" : state.joined(separator: "、"),
                        "disabled": u.disabled, "locked": u.locked, "self": u.user == session.actor.user, "csrf": session.csrf,
                        "path": Self.pathPart(u.user)]
            },
            "devices": devices.map { d -> [String: Any] in
                ["device": d.device, "user": d.user, "org": d.org.value, "lastLogin": time(d.lastLoginAt), "lastPush": time(d.lastPushAt),
                 "sequence": d.highestSequence, "revoked": d.revokedAt != nil, "csrf": session.csrf, "path": Self.pathPart(d.device)]
            },
        ])
    }

    /// `POST /console/users/{user}/{disable|enable|unlock|reset-password}`
    func userAction(_ context: DoudiRequestContext, _ session: ConsoleSession) async throws -> Response {
        try requireDistrictOfficer(session, "用户管理")
        let given = context.parameters.get("user") ?? ""
        let user = given.removingPercentEncoding ?? given
        // one's own account: 修改密码, never the district's reset or disable
        guard user != session.actor.user else {
            throw ConsoleError(.badInput, "不能对自己的账号执行此操作，请用「修改密码」 you cannot do this to your own account: use 修改密码")
        }
        let admin = try await copies.admin(session.store)
        let text: String
        do {
            switch context.parameters.get("action") {
            case "disable":
                let r = try await admin.setDisabled(user, true)
                await sessions.end(user: user)
                text = "已停用 \(user)；收回令牌 \(r.revokedTokens) 个"
            case "enable":
                _ = try await admin.setDisabled(user, false)
                text = "已启用 \(user)"
            case "unlock":
                _ = try await admin.unlock(user)
                text = "已解锁 \(user)"
            case "reset-password":
                let r = try await admin.resetPassword(user)
                await sessions.end(user: user)
                text = "已重置 \(user) 的密码。一次性密码（只显示这一次，请当面交给本人，登录后须改为自己的密码）：\(r.oneTimePassword)"
            default:
                throw ConsoleError(.notFound, "没有这个操作 no such action")
            }
        } catch { throw ConsoleError.action(error) }
        return await done(session, text, then: "/console/users")
    }

    /// `POST /console/devices/{device}/revoke`: a lost laptop.
    func revokeDevice(_ context: DoudiRequestContext, _ session: ConsoleSession) async throws -> Response {
        try requireDistrictOfficer(session, "设备管理")
        let given = context.parameters.get("device") ?? ""
        let device = given.removingPercentEncoding ?? given
        let r: DeviceRevokeResponse
        do { r = try await copies.admin(session.store).revokeDevice(device) } catch { throw ConsoleError.action(error) }
        if r.device.hasPrefix("web-") { await sessions.end(user: r.user) }
        return await done(session, "已停用设备 \(r.device)（\(r.user)）；收回令牌 \(r.revokedTokens) 个。\(r.note)", then: "/console/users")
    }

    // MARK: - policy

    /// `GET /console/policy`: the versions, and for a district officer the forms to publish.
    func policies(_ session: ConsoleSession) async throws -> Response {
        guard session.actor.org.level == .district else { throw ConsoleError(.forbidden, "政策标准由区民政局发布 policy is the district's") }
        let store = try await fresh(session)
        let versions = try store.policyBook().versions
        return pages.page("policy", title: "政策标准", session: session, flash: await flash(session), [
            "csrf": session.csrf, "canPublish": session.actor.role == .districtOfficer,
            "versions": versions.map { v -> [String: Any] in
                ["id": v.id, "title": v.title, "from": v.effectiveFrom.iso, "dibao": v.dibao.standard.yuanText,
                 "subsidies": v.priceSubsidies.map { "\($0.title)（\($0.from)–\($0.through) 每人每月 \($0.amountPerPerson.yuanText) 元）" }.joined(separator: "；")]
            },
            "programmes": Programme.allCases.filter { $0 != .priceSubsidy && $0 != .temporaryAid }.map { ["value": $0.rawValue, "text": $0.chineseName] },
        ])
    }

    /// `POST /console/policy`: a policy version file's text, pasted.
    func publishPolicy(_ session: ConsoleSession, _ form: FormBody) async throws -> Response {
        try requireDistrictOfficer(session, "政策发布")
        let text = try form.require("json", "政策文件内容")
        let policy: PolicyVersion
        do { policy = try PolicyVersion.load(json: Data(text.utf8), document: "政策文件") } catch {
            throw ConsoleError(.badInput, field: "json", "政策文件有误：\(error)")
        }
        let changeSet: ChangeSet
        do { changeSet = try session.store.perform(.publishPolicy(policy)) } catch { throw ConsoleError.action(error) }
        return try await pushed(changeSet, session, "已发布 \(policy.id)（\(policy.title)），自 \(policy.effectiveFrom) 起施行，各笔记本下次同步时收到",
                                then: "/console/policy")
    }

    /// `POST /console/policy/subsidy`: a temporary price subsidy (§3.5) as a new version.
    func publishSubsidy(_ session: ConsoleSession, _ form: FormBody) async throws -> Response {
        try requireDistrictOfficer(session, "价格临时补贴发布")
        func month(_ name: String, _ label: String) throws -> YearMonth {
            let text = try form.require(name, label)
            do { return try YearMonth(iso: text) } catch { throw ConsoleError(.badInput, field: name, "「\(label)」应为 YYYY-MM：\(text)") }
        }
        let version = try form.require("version", "新版本号")
        let title = try form.require("title", "名称")
        let from = try month("from", "起始月"), through = try month("through", "截止月")
        let amount = try StepForm.money(try form.require("amount", "每人每月金额"), field: "amount")
        let groups = form.all("groups").compactMap(Programme.init(rawValue:))
        guard !groups.isEmpty else { throw ConsoleError(.badInput, field: "groups", "请选择发放对象 choose who receives it") }
        let store = session.store
        let day = from.firstDay
        let current: PolicyVersion
        do { current = try store.policyBook().inForce(on: day.adding(days: -1)) } catch { throw ConsoleError(.refused, "\(day) 前没有生效的政策版本: \(error)") }
        let subsidy = PriceSubsidy(id: version, title: title, from: from, through: through, amountPerPerson: amount, groups: groups)
        let next: PolicyVersion
        do { next = try current.publishing(subsidy, as: version, effectiveFrom: day) } catch { throw ConsoleError.action(error) }
        let changeSet: ChangeSet
        do { changeSet = try store.perform(.publishPolicy(next)) } catch { throw ConsoleError.action(error) }
        return try await pushed(changeSet, session, "已发布 \(next.id)：\(title)，\(from)–\(through) 每人每月 \(amount.yuanText) 元", then: "/console/policy")
    }

    /// `POST /console/policy/what-if`: what a draft policy (its file pasted) would do to the
    /// caseload and the money of a month, beside the version in force (`doudi policy what-if`);
    /// `format=csv` downloads it. Nothing is published.
    func whatIf(_ session: ConsoleSession, _ form: FormBody) async throws -> Response {
        guard session.actor.org.level == .district else { throw ConsoleError(.forbidden, "政策测算为区民政局的页面") }
        let text = try form.require("json", "政策草案内容")
        let draft: PolicyVersion
        do { draft = try PolicyVersion.load(json: Data(text.utf8), document: "政策草案") } catch {
            throw ConsoleError(.badInput, field: "json", "政策草案有误：\(error)")
        }
        let store = try await fresh(session)
        let month: YearMonth = try form["month"].map { text in
            do { return try YearMonth(iso: text) } catch { throw ConsoleError(.badInput, field: "month", "月份应为 YYYY-MM：\(text)") }
        } ?? max(today().yearMonth, draft.effectiveFrom.yearMonth)
        let current: PolicyVersion
        do { current = try store.policyBook().inForce(forRollOf: month) } catch { throw ConsoleError(.refused, "\(month) 没有生效的政策版本: \(error)") }
        guard draft.district == current.district else {
            throw ConsoleError(.badInput, field: "json", "草案的 district 是 \(draft.district)，本区是 \(current.district)：请改正草案")
        }
        let org = session.actor.org
        let w = PolicyWhatIf(cases: try store.householdCases(within: org), org: try store.orgTree(), current: current, draft: draft, month: month)
        if form["format"] == "csv" {
            return ConsolePages.download(w.csv(shortID: Labels.short), type: "text/csv; charset=utf-8", fileName: "草案测算-\(draft.id)-\(month.iso).csv")
        }
        return pages.page("whatIf", title: "草案测算", session: session, flash: await flash(session), [
            "title": w.title, "current": "\(w.currentPolicy)（\(w.currentTitle)）", "draft": "\(w.draftPolicy)（\(w.draftTitle)）",
            "households": "\(w.householdsAssessed)", "columns": PolicyWhatIf.caseloadColumns,
            "rows": w.rows.map { PolicyWhatIf.cells($0, plusSign: true) },
            "changeColumns": PolicyWhatIf.changeColumns,
            "changes": w.changes.prefix(200).map { PolicyWhatIf.cells($0, shortID: Labels.short, plusSign: true) },
            "more": w.changes.count > 200 ? "另有 \(w.changes.count - 200) 项变化见 CSV" : "",
            "json": text, "month": month.iso, "csrf": session.csrf,
        ])
    }
}
