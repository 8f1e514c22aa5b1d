import Foundation

/// A household's applications still open for the same programme: the town is warned of a
/// second one (at `apply` and in its review queue), since it is usually a duplicate — but it
/// is not refused (two temporary-aid events in one year are legitimate).
public enum OpenApplications {
    /// Whether an application is still open: not voided and its workflow not closed (rejected,
    /// filed or withdrawn). An approved case awaiting filing is open.
    public static func isOpen(_ workflow: ApplicationWorkflow?, voided: Bool = false) -> Bool {
        guard !voided, let workflow else { return false }
        return !workflow.isClosed
    }

    /// The other open applications of `application`'s household for the same programme and
    /// person (an application for the whole household covers every person).
    ///
    /// - Parameters:
    ///   - application: The application asked about.
    ///   - others: The household's applications with their workflows; voided ones left out.
    /// - Returns: The open ones besides `application`, oldest first as given.
    public static func duplicates(of application: Application,
                                  among others: [(application: Application, workflow: ApplicationWorkflow?)]) -> [Application] {
        others.filter { other in
            other.application.id != application.id && other.application.household == application.household
                && other.application.programme == application.programme
                && (other.application.member == nil || application.member == nil || other.application.member == application.member)
                && isOpen(other.workflow)
        }.map(\.application)
    }

    /// `该户已有未办结的农村低保申请 1a2b3c4d（公示中）：请核实是否重复申请`
    public static func warning(_ application: Application, duplicates: [(application: Application, stage: ApplicationWorkflow.Stage?)]) -> String {
        let list = duplicates.map { "\($0.application.id.uuidString.prefix(8).lowercased())（\($0.stage?.chineseName ?? "—")）" }.joined(separator: "、")
        return "该户已有未办结的\(application.programme.chineseName)申请 \(list)：请核实是否重复申请 (a second open application for the same programme: check it is not a duplicate; withdraw one with `doudi apply withdraw`)"
    }
}
