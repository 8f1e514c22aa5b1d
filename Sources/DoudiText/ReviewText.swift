import DoudiModel
import DoudiSync
import Foundation

/// Texts about a case in review that the CLI and the console share.
public enum ReviewText {
    /// The head of household's name, else the first member's.
    public static func headName(_ c: HouseholdCase) -> String {
        (c.members.first { $0.relation == .head } ?? c.members.first)?.name ?? "（无成员）"
    }

    /// One line per record a step wrote besides the workflow.
    public static func written(_ changeSet: ChangeSet, householdCase: HouseholdCase) -> [String] {
        func name(_ member: UUID?) -> String {
            guard let member else { return "" }
            return "（\(householdCase.members.first { $0.id == member }?.name ?? Labels.short(member))）"
        }
        return changeSet.changes.compactMap { change -> String? in
            let values = Dictionary(uniqueKeysWithValues: change.fields.map { ($0.name, $0.value) })
            switch change.entity {
            case .decision:
                guard let d = try? RecordFields.record(Decision.self, from: values) else { return nil }
                let reason = d.reason == d.outcome.chineseName ? "" : "：\(d.reason)"
                return "审批决定 \(d.outcome.chineseName)\(d.amount.map { " \($0.yuanText) 元" } ?? "")\(reason)"
            case .enrolment:
                guard let e = try? RecordFields.record(Enrolment.self, from: values) else { return nil }
                return "保障 \(e.programme.chineseName)\(name(e.member)) \(e.monthlyAmount.yuanText) 元/月，自 \(e.start) 起"
            case .payment:
                guard let p = try? RecordFields.record(Payment.self, from: values) else { return nil }
                return "发放 \(p.programme.chineseName) \(p.amount.yuanText) 元（\(p.month)\(p.fromReserveFund ? "，备用金先行支付" : "")）"
            case .reserveFundEntry:
                guard let f = try? RecordFields.record(ReserveFundEntry.self, from: values) else { return nil }
                return "备用金 \(f.kind.chineseName) \(f.amount.yuanText) 元（镇 \(f.town)）"
            default:
                return nil
            }
        }
    }
}
