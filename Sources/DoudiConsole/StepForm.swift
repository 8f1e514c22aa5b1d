import DoudiModel
import Foundation

/// The form of each workflow step in the case page, and the step a posted form makes: the
/// same terms the CLI's `doudi review …` commands take (ClientCLI/Review), the rules
/// themselves DoudiModel's.
enum StepForm {
    /// One field of a step's form.
    struct Field {
        enum Kind: String { case text, number, money, area, check, select }
        var kind: Kind
        var name: String
        var label: String
        var required = false
        var value = ""
        var options: [(value: String, text: String)] = []

        var context: [String: Any] {
            var c: [String: Any] = ["name": name, "label": label, "required": required, "value": value]
            c[kind.rawValue] = true
            if kind == .select { c["options"] = options.map { ["value": $0.value, "text": $0.text, "selected": $0.value == value] } }
            return c
        }
    }

    /// The fields of `kind`'s form for this case.
    static func fields(_ kind: WorkflowEvent.Kind, members: [Member], programme: Programme) -> [Field] {
        switch kind {
        case .returnForCorrection:
            return [Field(kind: .area, name: "reason", label: "退回理由（村里需补正的内容）", required: true)]
        case .recordCollectiveReview:
            return [
                Field(kind: .text, name: "chair", label: "主持人", required: true),
                Field(kind: .text, name: "recorder", label: "记录人", required: true),
                Field(kind: .number, name: "agree", label: "同意人数", required: true),
                Field(kind: .number, name: "disagree", label: "不同意人数", required: true, value: "0"),
                Field(kind: .check, name: "notQualified", label: "评议结论：不符合"),
                Field(kind: .area, name: "minutes", label: "会议记录（一事一议须写明）"),
            ]
        case .raiseObjection:
            return [Field(kind: .area, name: "summary", label: "异议内容（不写反映人姓名）", required: true)]
        case .approve:
            var fields = [Field(kind: .money, name: "amount",
                                label: programme == .temporaryAid ? "每人一次性金额（必填）" : "月金额（不填按测算）",
                                required: programme == .temporaryAid)]
            if programme == .dibao {
                for m in members {
                    fields.append(Field(kind: .select, name: "tier-\(m.id.uuidString.lowercased())", label: "\(m.name) 分类施保档次",
                                        value: "0", options: [("0", "不享受"), ("1", "一档"), ("2", "二档"), ("3", "三档")]))
                }
            }
            fields.append(Field(kind: .area, name: "note", label: "审批意见"))
            return fields
        case .reject:
            return [Field(kind: .area, name: "reason", label: "不予批准的理由（告知申请人）", required: true)]
        case .referToDistrict:
            return [Field(kind: .area, name: "note", label: "报送说明（镇的意见和理由）", required: true)]
        case .payFirst:
            return [Field(kind: .money, name: "amount", label: "每人金额（从备用金先行支付）", required: true)]
        case .completeAidFirst:
            return [Field(kind: .area, name: "note", label: "补办说明", required: true)]
        case .submit, .startTownReview, .postNotice, .startReinvestigation, .file, .withdraw:
            return kind == .withdraw ? [Field(kind: .area, name: "reason", label: "撤回理由", required: true)] : []
        }
    }

    /// A short hint beside the step's title.
    static func hint(_ kind: WorkflowEvent.Kind) -> String {
        switch kind {
        case .postNotice: "公示期按政策（2020 年为 7 天）；公示期满次日起可审批"
        case .approve: "镇(街道)权限内批准；超出权限请报区审批"
        case .payFirst: "急难型临时救助，从本镇备用金先行支付，事后补办手续"
        case .file: "区民政局对镇(街道)批准的案件备案"
        case .referToDistrict: "超出镇(街道)审批权限的，报区民政局审批（§3.6.3）"
        default: ""
        }
    }

    /// The step a posted form makes.
    ///
    /// - Throws: ``ConsoleError`` `badInput` naming the field at fault.
    static func event(_ kind: WorkflowEvent.Kind, _ form: FormBody, members: [Member]) throws -> WorkflowEvent {
        switch kind {
        case .startTownReview: return .startTownReview
        case .postNotice: return .postNotice
        case .startReinvestigation: return .startReinvestigation
        case .file: return .file
        case .returnForCorrection: return .returnForCorrection(reason: try form.require("reason", "退回理由"))
        case .raiseObjection: return .raiseObjection(summary: try form.require("summary", "异议内容"))
        case .reject: return .reject(reason: try form.require("reason", "不予批准的理由"))
        case .referToDistrict: return .referToDistrict(note: try form.require("note", "报送说明"))
        case .completeAidFirst: return .completeAidFirst(note: try form.require("note", "补办说明"))
        case .withdraw: return .withdraw(reason: try form.require("reason", "撤回理由"))
        case .recordCollectiveReview:
            return .recordCollectiveReview(.init(chair: try form.require("chair", "主持人"), recorder: try form.require("recorder", "记录人"),
                                                 agreeing: try form.count("agree", "同意人数"), disagreeing: try form.count("disagree", "不同意人数"),
                                                 qualifies: form["notQualified"] == nil, minutes: form["minutes"] ?? ""))
        case .payFirst:
            return .payFirst(amountPerPerson: try money(form.require("amount", "每人金额"), field: "amount"))
        case .approve:
            var tiers: [ClassifiedAidTier] = []
            for m in members {
                let name = "tier-\(m.id.uuidString.lowercased())"
                guard let text = form[name], text != "0" else { continue }
                guard let tier = Int(text), (1...3).contains(tier) else {
                    throw ConsoleError(.badInput, field: name, "\(m.name) 的分类施保档次应为 1–3，不是 \(text)")
                }
                tiers.append(ClassifiedAidTier(member: m.id, tier: tier))
            }
            return .approve(.init(amount: try form["amount"].map { try money($0, field: "amount") }, classifiedAidTiers: tiers, note: form["note"] ?? ""))
        case .submit:
            throw ConsoleError(.badInput, "申请由村(社区)提交 applications are submitted by the village")
        }
    }

    static func money(_ text: String, field: String) throws -> Money {
        do { return try Money(typed: text) } catch { throw ConsoleError(.badInput, field: field, "金额有误 \(text)：\(error)") }
    }
}
