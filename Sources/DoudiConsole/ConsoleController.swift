import DoudiField
import DoudiModel
import DoudiServer
import DoudiSync
import Foundation
import Hummingbird

/// The console's routes, under `/console` (and `/` sends a browser there).
///
/// - `GET|POST /console/login`, `POST /console/logout`
/// - `GET /console/towns/{town}`: the town's review queue; `…/notice-sheet`, `…/roll.csv`,
///   `…/ledger.csv`, `GET|POST …/reserve-fund`
/// - `GET /console/district`: the district's queue; `GET /console/dashboard` (and `.csv`)
/// - `GET /console/cases/{application}`, `POST /console/cases/{application}/steps/{step}`
/// - `GET /console/conflicts`, `POST /console/conflicts/{id}/resolve`
///
/// Every page but the login needs a session (cookie `doudi_session`: HttpOnly,
/// SameSite=Strict, Secure when configured); every POST needs the session's CSRF token;
/// every page naming a town or a case checks it lies within the user's jurisdiction (403).
struct ConsoleController: Sendable {
    static let sessionCookie = "doudi_session"
    static let loginCookie = "doudi_login"

    let sessions: ConsoleSessions
    let copies: WorkingCopies
    let pages: ConsolePages
    let secureCookie: Bool
    /// The folder of the banks' batch-file layouts.
    let banks: String
    /// Where the offices are: "today" and the default days of forms.
    let timeZone: TimeZone
    /// The client address of a request as the API's login throttling counts it (``ServerContext/clientAddress(_:_:)``).
    let clientAddress: @Sendable (Request, DoudiRequestContext) -> String?
    /// Seconds since 1970.
    let now: @Sendable () -> Int64

    func addRoutes(to router: Router<DoudiRequestContext>) {
        router.get("/") { _, _ in ConsolePages.redirect("/console") }
        let console = router.group("console")
        console.get { request, _ in
            guard let session = await self.session(request) else { return ConsolePages.redirect("/console/login") }
            return ConsolePages.redirect(Self.home(of: session.actor))
        }
        console.get("login") { request, _ in self.loginPage(request) }
        console.post("login") { request, context in await self.login(request, context) }
        console.post("logout") { request, _ in await self.logout(request) }
        console.get("towns/:town") { request, context in await self.page(request) { s in try await self.townQueue(request, context, s) } }
        console.get("district") { request, _ in await self.page(request) { s in try await self.districtQueue(request, s) } }
        console.get("cases/:application") { request, context in await self.page(request) { s in try await self.casePage(context, s) } }
        console.post("cases/:application/steps/:step") { request, context in
            await self.form(request) { s, form in try await self.takeStep(context, s, form) }
        }
        console.get("towns/:town/notice-sheet") { request, context in await self.page(request) { s in try await self.noticeSheet(request, context, s) } }
        console.get("towns/:town/roll") { request, context in await self.page(request) { s in try await self.rollPage(request, context, s) } }
        console.post("towns/:town/roll/reconcile") { request, context in await self.form(request) { s, form in try await self.reconcile(context, s, form) } }
        console.get("towns/:town/roll.csv") { request, context in await self.page(request) { s in try await self.roll(request, context, s) } }
        console.get("towns/:town/roll.xlsx") { request, context in await self.page(request) { s in try await self.rollWorkbook(request, context, s) } }
        console.get("towns/:town/bank/:file") { request, context in await self.page(request) { s in try await self.bankBatch(request, context, s) } }
        console.get("towns/:town/ledger.csv") { request, context in await self.page(request) { s in try await self.ledger(request, context, s) } }
        console.get("towns/:town/reserve-fund") { request, context in await self.page(request) { s in try await self.reserveFund(context, s) } }
        console.post("towns/:town/reserve-fund") { request, context in
            await self.form(request) { s, form in try await self.allocate(context, s, form) }
        }
        console.get("due") { request, _ in await self.page(request) { s in try await self.due(request, s) } }
        console.get("dashboard") { request, _ in await self.page(request) { s in try await self.dashboard(request, s) } }
        console.get("dashboard.csv") { request, _ in await self.page(request) { s in try await self.dashboardCSV(request, s) } }
        console.get("conflicts") { request, _ in await self.page(request) { s in try await self.conflicts(s) } }
        console.post("conflicts/:conflict/resolve") { request, context in
            await self.form(request) { s, form in try await self.resolveConflict(context, s, form) }
        }
        console.get("password") { request, _ in await self.page(request) { s in await self.passwordPage(s) } }
        console.post("password") { request, _ in await self.form(request) { s, form in try await self.changePassword(s, form) } }
        addDistrictRoutes(to: console)
        // any other page under /console: the console's own 404 page, not the API's JSON
        console.get("**") { request, _ in
            await self.page(request) { s in self.pages.error(ConsoleError(.notFound, "没有这个页面 no such page: \(request.uri.path)"), session: s) }
        }
    }

    /// Where a user starts: their town's queue, or the district's.
    static func home(of actor: Actor) -> String {
        actor.org.level == .district ? "/console/district" : "/console/towns/\(actor.org.town?.value ?? actor.org.value)"
    }

    // MARK: - sessions

    /// The request's live session, if any.
    func session(_ request: Request) async -> ConsoleSession? {
        guard let id = request.cookies[Self.sessionCookie]?.value, !id.isEmpty else { return nil }
        return await sessions.session(id, now: now())
    }

    /// A page behind the login: without a session, the login page; an error, its page.
    func page(_ request: Request, _ body: (ConsoleSession) async throws -> Response) async -> Response {
        guard let session = await session(request) else {
            let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            return ConsolePages.redirect("/console/login?next=" + (target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        }
        if session.mustChangePassword, request.uri.path != "/console/password" { return ConsolePages.redirect("/console/password") }
        do { return try await body(session) } catch {
            return await failure(ConsoleError.action(error), session)
        }
    }

    /// A posted form behind the login, its CSRF token checked first.
    func form(_ request: Request, _ body: (ConsoleSession, FormBody) async throws -> Response) async -> Response {
        guard let session = await session(request) else {
            return pages.error(ConsoleError(.unauthenticated, "会话已结束，请重新登录 your session has ended: sign in again, then repeat the step"), session: nil)
        }
        if session.mustChangePassword, request.uri.path != "/console/password" { return ConsolePages.redirect("/console/password") }
        do {
            let form = try await FormBody.read(request)
            guard let token = form["csrf"], Secret.equal(token, session.csrf) else {
                throw ConsoleError(.forbidden, "表单已失效，请刷新页面后重试 the form's security token is missing or stale: reload the page and submit again")
            }
            return try await body(session, form)
        } catch {
            return await failure(ConsoleError.action(error), session)
        }
    }

    /// The page of a failure; when the user's sign-in is no longer good (disabled, revoked, a
    /// password reset), the session ends and the browser goes to the login page.
    func failure(_ error: ConsoleError, _ session: ConsoleSession) async -> Response {
        guard error.kind == .unauthenticated else { return pages.error(error, session: session) }
        await sessions.end(user: session.actor.user)
        var response = ConsolePages.redirect("/console/login?ended=1")
        response.setCookie(cookie(Self.sessionCookie, "", path: "/", maxAge: 0))
        return response
    }

    /// Pushes a change set the console just wrote (with whatever else the copy holds) and says
    /// how it went: accepted, refused by the server (set aside, with its reason), or not yet sent.
    private func push(_ changeSet: ChangeSet, _ session: ConsoleSession) async throws -> (accepted: Bool, text: String) {
        do {
            let report = try await copies.sync(session.store, user: session.actor.user, force: true)
            if let rejected = report?.rejected.first(where: { $0.changeSet == changeSet.id }) {
                return (false, "服务器未接受（\(rejected.code)：\(rejected.message)），已搁置，未生效")
            }
            return (true, "已同步")
        } catch let error as ConsoleError where error.kind == .unauthenticated {
            throw error
        } catch {
            return (true, "暂未同步（\(error)），下次打开页面时再同步")
        }
    }

    /// Pushes the change set the console just wrote (if any), tells the next page what happened
    /// (`text` and how the push went: an error when the server refused it) and sends the
    /// browser to `location`: the one ending of every form that writes.
    func pushed(_ changeSet: ChangeSet?, _ session: ConsoleSession, _ text: String, then location: String) async throws -> Response {
        guard let changeSet else { return await done(session, text, then: location) }
        let pushed = try await push(changeSet, session)
        await sessions.setFlash(session.id, Flash(kind: pushed.accepted ? .done : .error, text: text + "；" + pushed.text))
        return ConsolePages.redirect(location)
    }

    /// Tells the next page what happened and sends the browser there.
    func done(_ session: ConsoleSession, _ text: String, then location: String) async -> Response {
        await sessions.setFlash(session.id, Flash(kind: .done, text: text))
        return ConsolePages.redirect(location)
    }

    /// The one-time message of the session, for the page being shown.
    func flash(_ session: ConsoleSession) async -> Flash? { await sessions.takeFlash(session.id) }

    // MARK: - login and logout

    func loginPage(_ request: Request, message: Flash? = nil, user: String = "", next: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        // a login form carries a token matching a cookie of its own (double submit): another
        // site cannot post a login that signs this browser in as someone else
        let token = Secret.hex()
        let next = next ?? request.uri.queryParameters["next"].map(String.init) ?? ""
        var message = message
        if message == nil, request.uri.queryParameters["ended"] != nil {
            message = Flash(kind: .error, text: "您的登录已失效（账号被停用、密码被重置或设备被停用），请重新登录 your sign-in ended: sign in again")
        }
        var response = pages.page("login", title: "登录", session: nil, flash: message, status: status, ["csrf": token, "user": user, "next": next])
        response.setCookie(cookie(Self.loginCookie, token, path: "/console/login", maxAge: 3600))
        return response
    }

    func login(_ request: Request, _ context: DoudiRequestContext) async -> Response {
        let form: FormBody
        do { form = try await FormBody.read(request) } catch { return pages.error(ConsoleError.action(error), session: nil) }
        guard let token = form["csrf"], let expected = request.cookies[Self.loginCookie]?.value, Secret.equal(token, expected) else {
            return loginPage(request, message: Flash(kind: .error, text: "登录表单已失效，请重新输入 the sign-in form expired: sign in again"), status: .forbidden)
        }
        let user = form["user"] ?? ""
        guard !user.isEmpty, let password = form.values["password"]?.last, !password.isEmpty else {
            return loginPage(request, message: Flash(kind: .error, text: "请输入用户名和密码 enter your user name and password"), user: user, status: .badRequest)
        }
        do {
            let sessions = self.sessions
            let opened = try await copies.open(user: user, password: password, client: clientAddress(request, context),
                                               endSessions: { await sessions.end(user: user) })
            let actor = opened.actor
            let session = await sessions.start(actor: actor, store: opened.store, mustChangePassword: opened.mustChangePassword, now: now())
            var next = form["next"].flatMap { $0.hasPrefix("/console/") && !$0.contains("//") ? $0 : nil } ?? Self.home(of: actor)
            if opened.mustChangePassword { next = "/console/password" }
            var response = ConsolePages.redirect(next)
            response.setCookie(cookie(Self.sessionCookie, session.id, path: "/", maxAge: nil))
            response.setCookie(cookie(Self.loginCookie, "", path: "/console/login", maxAge: 0))
            context.logger.info("console login", metadata: ["role": "\(actor.role.rawValue)", "org": "\(actor.org.value)"])
            return response
        } catch {
            let e = ConsoleError.action(error)
            return loginPage(request, message: Flash(kind: .error, text: e.message), user: user, next: form["next"], status: e.status)
        }
    }

    func logout(_ request: Request) async -> Response {
        guard let session = await session(request) else { return ConsolePages.redirect("/console/login") }
        guard let form = try? await FormBody.read(request), let token = form["csrf"], Secret.equal(token, session.csrf) else {
            return pages.error(ConsoleError(.forbidden, "表单已失效，请刷新页面后重试 the form's security token is missing or stale"), session: session)
        }
        await sessions.end(session.id)
        // the last session of the user: the copy's token is revoked too (the next sign-in gets a new one)
        if await sessions.count(user: session.actor.user, now: now()) == 0 {
            await copies.logout(session.store)
        }
        var response = ConsolePages.redirect("/console/login")
        response.setCookie(cookie(Self.sessionCookie, "", path: "/", maxAge: 0))
        return response
    }

    /// `GET /console/password`: the user's own password (required after a one-time password).
    func passwordPage(_ session: ConsoleSession) async -> Response {
        var flash = await flash(session)
        if session.mustChangePassword, flash == nil {
            flash = Flash(kind: .error, text: "您使用的是一次性密码，请先设置自己的密码 you signed in with a one-time password: choose your own first")
        }
        return pages.page("password", title: "修改密码", session: session, flash: flash, ["csrf": session.csrf])
    }

    /// `POST /console/password`
    func changePassword(_ session: ConsoleSession, _ form: FormBody) async throws -> Response {
        let current = form.values["current"]?.last ?? "", new = form.values["new"]?.last ?? ""
        guard !current.isEmpty else { throw ConsoleError(.badInput, field: "current", "请输入现在的密码 enter your current password") }
        guard new == form.values["confirm"]?.last else { throw ConsoleError(.badInput, field: "confirm", "两次输入的新密码不一致 the new passwords differ") }
        guard new.count >= 10 else { throw ConsoleError(.badInput, field: "new", "新密码至少 10 个字符 the new password needs at least 10 characters") }
        try await copies.changePassword(session.store, user: session.actor.user, current: current, new: new)
        await sessions.passwordChanged(session.id)
        // the user's other sessions (another browser, perhaps someone who knew the old password) end
        await sessions.end(user: session.actor.user, except: session.id)
        return await done(session, "密码已修改；您其他设备上的登录已失效，请用新密码重新登录 password changed: sign in again on your other devices",
                          then: Self.home(of: session.actor))
    }

    func cookie(_ name: String, _ value: String, path: String, maxAge: Int?) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: path, secure: secureCookie, httpOnly: true, sameSite: .strict)
    }

    // MARK: - scope

    /// The town named in the path, when the user has jurisdiction over it.
    ///
    /// - Throws: ``ConsoleError`` `forbidden` for a town outside it, `badInput` for a code that is no town.
    func town(_ context: DoudiRequestContext, _ session: ConsoleSession) throws -> OrgCode {
        let text = context.parameters.get("town") ?? ""
        guard let code = try? OrgCode(text), code.level == .town else {
            throw ConsoleError(.notFound, "\(text) 不是镇(街道)代码 is not a 9-digit town code")
        }
        guard session.actor.hasJurisdiction(over: code) else {
            throw ConsoleError(.forbidden, "\(code.value) 不在您的辖区内 is outside your jurisdiction (\(session.actor.org.value))")
        }
        return code
    }

    /// The user's working copy, synced unless it synced a moment ago.
    func fresh(_ session: ConsoleSession) async throws -> FieldStore {
        do { try await copies.sync(session.store, user: session.actor.user) } catch let error as ConsoleError where error.kind == .unauthenticated {
            throw error
        } catch {
            // a page is still shown from the copy as it is; the step forms push when taken
            await sessions.setFlash(session.id, Flash(kind: .error, text: "同步失败，显示的是上次同步的数据 sync failed, showing the last synced data: \(error)"))
        }
        return session.store
    }

    /// Today where the offices are (``console.timeZone``, Asia/Shanghai by default).
    func today() -> Day {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return (try? Day(year: parts.year ?? 2026, month: parts.month ?? 1, day: parts.day ?? 1)) ?? Day(ordinal: 0)
    }

    /// A day typed in a form (default, or blank: today); a day after today is refused.
    func day(_ text: String?, field: String = "date") throws -> Day {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return today() }
        let day: Day
        do { day = try Day(typed: text) } catch { throw ConsoleError(.badInput, field: field, "日期有误 \(error)") }
        guard day <= today() else { throw ConsoleError(.badInput, field: field, "日期不能晚于今天 \(day) is after today") }
        return day
    }
}
