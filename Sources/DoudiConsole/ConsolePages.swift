import DoudiModel
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Renders the console's pages: a page template into the layout, with the signed-in user,
/// the navigation fitted to their role, and the session's one-time message.
struct ConsolePages: Sendable {
    let library: MustacheLibrary

    init() {
        var library = MustacheLibrary()
        for (name, text) in ConsoleTemplates.all {
            do { try library.register(text, named: name) } catch {
                preconditionFailure("console template \(name) does not parse: \(error)")   // a programming error, caught by every test
            }
        }
        self.library = library
    }

    /// A whole page.
    func page(_ template: String, title: String, session: ConsoleSession?, flash: Flash? = nil,
              status: HTTPResponse.Status = .ok, _ context: [String: Any]) -> Response {
        // `{{#has_rows}}`: whether a list is non-empty (Mustache has no test of a list's length)
        var context = context
        for (key, value) in context { if let list = value as? [Any] { context["has_" + key] = !list.isEmpty } }
        let body = library.render(context, withTemplate: template) ?? ""
        var layout: [String: Any] = ["title": title, "body": body]
        if let session {
            layout["user"] = ["name": session.actor.user, "role": session.actor.role.chineseName, "org": session.actor.org.value, "csrf": session.csrf]
            layout["nav"] = Self.navigation(for: session.actor)
        }
        if let flash { layout["flash"] = ["kind": flash.kind.rawValue, "text": flash.text] }
        return Self.html(library.render(layout, withTemplate: "layout") ?? "", status: status)
    }

    /// The page of an error: its heading from the status, its message as it was said.
    func error(_ error: ConsoleError, session: ConsoleSession?) -> Response {
        let heading: String = switch error.kind {
        case .forbidden: "无权访问 Forbidden"
        case .notFound: "找不到 Not found"
        case .unauthenticated: "请先登录 Sign in first"
        case .badInput: "输入有误 Check the form"
        case .refused: "不能办理 Cannot be done"
        case .unavailable: "暂时无法办理 Unavailable"
        }
        return page("error", title: heading, session: session, status: error.status, ["heading": heading, "message": error.message])
    }

    /// The links at the top of every page, by role.
    static func navigation(for actor: Actor) -> [[String: String]] {
        var links: [[String: String]] = []
        switch actor.org.level {
        case .town:
            links.append(["href": "/console/towns/\(actor.org.value)", "label": "待办 Queue"])
            links.append(["href": "/console/towns/\(actor.org.value)/notice-sheet", "label": "公示表 Notice sheet"])
            links.append(["href": "/console/towns/\(actor.org.value)/reserve-fund", "label": "备用金 Reserve fund"])
        case .district:
            links.append(["href": "/console/district", "label": "待办 Queue"])
            links.append(["href": "/console/dashboard", "label": "统计 Dashboard"])
            links.append(["href": "/console/policy", "label": "政策 Policy"])
            if actor.role == .districtOfficer { links.append(["href": "/console/users", "label": "用户与设备 Users"]) }
        default:
            break
        }
        links.append(["href": "/console/due", "label": "到期事项 Due"])
        links.append(["href": "/console/conflicts", "label": "冲突 Conflicts"])
        links.append(["href": "/console/password", "label": "修改密码"])
        return links
    }

    /// An HTML response that no cache keeps and no other site frames.
    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        secure(&headers)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A download: CSV (UTF-8 with BOM) or another text, named for the browser.
    static func download(_ text: String, type: String, fileName: String) -> Response {
        download(Data(text.utf8), type: type, fileName: fileName)
    }

    /// A download of bytes (a workbook, a bank's file in its own encoding).
    static func download(_ data: Data, type: String, fileName: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        // RFC 5987/6266: the UTF-8 name percent-encoded outside attr-char, and an ASCII fallback
        let attrChar = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~")
        let encoded = fileName.addingPercentEncoding(withAllowedCharacters: attrChar) ?? "download"
        let ext = (fileName as NSString).pathExtension
        let fallback = "doudi" + (ext.isEmpty ? "" : ".\(ext.filter { $0.isASCII && ($0.isLetter || $0.isNumber) })")
        headers[.contentDisposition] = "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
        secure(&headers)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `303 See Other` to `location` (after a form is posted, and to the login page).
    static func redirect(_ location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        secure(&headers)
        return Response(status: .seeOther, headers: headers)
    }

    /// Pages carry personal data: no cache keeps them, no other site frames them, no script
    /// or style comes from elsewhere (none is used at all but the page's own style).
    static func secure(_ headers: inout HTTPFields) {
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        headers[HTTPField.Name("Content-Security-Policy")!] = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"
    }
}
