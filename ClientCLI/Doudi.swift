import ArgumentParser
import DoudiModel
import DoudiText
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `doudi`: the command line of the village cadre, the town approver and the district bureau.
///
/// One file per command. Commands are grouped by who uses them as they arrive
/// (village: `init`, `household`, `member`, `visit`, `survey`, `apply`, `import`,
/// `outbox`, `history`; town: `review`, `notice`, `approve`; district: `file`, `roll`;
/// every tier: `login`, `sync`, `status`, `conflicts`); `assess` and `due` serve every tier.
@main
struct Doudi: AsyncParsableCommand {
    /// Every file doudi creates (store, token, backups, rolls, notices) is its user's only.
    ///
    /// Every error is one line, `doudi: 错误：<中文> (<English>)` (``ErrorLine``): a wrong option value is
    /// reported like a refused step, with what to write, not with the whole usage (`--help` shows that).
    static func main() async {
        _ = umask(0o077)
        do {
            var command = try parseAsRoot(nil)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            let text = message(for: error).trimmingCharacters(in: .whitespacesAndNewlines)
            // help, --version, and failures already reported (CommandFailure's ExitCode) go the usual way
            guard code != .success, !text.isEmpty else { exit(withError: error) }
            if ErrorLine.chinese(for: error) != nil {
                // a failure of the work, not of the command line: no pointer to help
                ErrorLine.write(error)
                exit(withError: ExitCode(code.rawValue))
            }
            let line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            let body = ErrorLine.startsInChinese(line) ? line : ErrorLine.bilingual(ErrorLine.chinese(forUsageMessage: line), line)
            StandardError.writeLine(ErrorLine.prefix + Labels.maskingResidentIDs(body) + "（帮助 help: doudi help; --help on a command for its options）")
            exit(withError: ExitCode(code.rawValue))
        }
    }

    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "doudi",
            abstract: "兜底：社会救助兜底保障 — the social-assistance safety net, village → town → district.",
            discussion: """
                村(社区)采集、镇(街道)审批、区民政局备案共用同一套政策规则。
                Village cadres, town approvers and the district bureau share one set of policy rules \
                (ServerConfig/policy, docs/POLICY-FILE.md).

                The laptop's records live in one store: --store PATH, else $DOUDI_HOME/doudi.sqlite; \
                set it up once with `doudi init`. Records are named by their short id (8 characters, \
                any 4 or more will do) or, for people, by resident ID number. Read commands take \
                --json for scripts.

                Errors are printed as one line on standard error, `doudi: 错误：<中文> (<English>)`, \
                saying what was wrong and what to do, with exit status 1 (64 for a mistyped option). \
                With --json, standard output has nothing but the JSON; an error is the same one line \
                on standard error, with the same exit status, and no JSON.
                """,
            version: DoudiVersion.text,
            subcommands: [AssessCommand.self, DueCommand.self],
            groupedSubcommands: [
                CommandGroup(name: "村(社区) Village cadre", subcommands: [
                    InitCommand.self, HouseholdCommand.self, MemberCommand.self, VisitCommand.self, SurveyCommand.self,
                    ApplyCommand.self, ImportCommand.self, OutboxCommand.self, HistoryCommand.self, NeedCommand.self,
                ]),
                CommandGroup(name: "镇(街道)与区 Town and district", subcommands: [
                    ReviewCommand.self, NoticeCommand.self, FundCommand.self, EnrolmentCommand.self, PolicyCommand.self,
                    RollCommand.self, LedgerCommand.self,
                    OrgCommand.self, ProjectCommand.self, VolunteerCommand.self,
                    AdminCommand.self,
                ]),
                CommandGroup(name: "同步 Sync (every tier)", subcommands: [
                    LoginCommand.self, SyncCommand.self, BundleCommand.self, StatusCommand.self, ConflictsCommand.self,
                    AccountPasswordCommand.self,
                    LogoutCommand.self, BackupCommand.self, RestoreCommand.self,
                    UnlockCommand.self, LockCommand.self, PasswordCommand.self,
                ]),
            ]
        )
    }
}
