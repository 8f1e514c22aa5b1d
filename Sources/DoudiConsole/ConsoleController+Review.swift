import DoudiField
import DoudiModel
import DoudiServer
import DoudiSync
import DoudiText
import Foundation
import Hummingbird

/// The review queue, the case page and the steps taken on it.
extension ConsoleController {
    // MARK: - queues

    /// `GET /console/towns/{town}[?date=DAY&all=1]`: what waits in a town for a step by the user.
    func townQueue(_ request: Request, _ context: DoudiRequestContext, _ session: ConsoleSession) async throws -> Response {
        let town = try self.town(context, session)
        let store = try await fresh(session)
        let tree = try store.orgTree()
        let name = tree[town]?.name ?? town.value
        var links = [["href": "/console/towns/\(town.value)/notice-sheet", "label": "公示表"],
                     ["href": "/console/towns/\(town.value)/reserve-fund", "label": "备用金"],
                     ["href": "/console/towns/\(town.value)/ledger.csv", "label": "台账 CSV"]]
        if session.actor.role != .auditor {
            links.append(["href": "/console/towns/\(town.value)/roll", "label": "发放花名册"])
        }
        return try await queue(request, session, store: store, within: town, heading: "\(name) 待办 Review queue",
                               action: "/console/towns/\(town.value)", links: links, sheet: "/console/towns/\(town.value)/notice-sheet")
    }

    /// `GET /console/district`: referred cases and approvals to file, for the district.
    func districtQueue(_ request: Request, _ session: ConsoleSession) async throws -> Response {
        guard session.actor.org.level == .district else { return ConsolePages.redirect(Self.home(of: session.actor)) }
        let store = try await fresh(session)
        let tree = try store.orgTree()
        let links = tree.children(of: session.actor.org).map { ["href": "/console/towns/\($0.code.value)", "label": $0.name] }
        return try await queue(request, session, store: store, within: session.actor.org,
                               heading: "\(tree[session.actor.org]?.name ?? session.actor.org.value) 待办：报区审批与备案", action: "/console/district", links: links)
    }

    private func queue(_ request: Request, _ session: ConsoleSession, store: FieldStore, within org: OrgCode, heading: String,
                       action: String, links: [[String: String]], sheet: String? = nil) async throws -> Response {
        let day = try day(request.uri.queryParameters["date"].map(String.init))
        let all = request.uri.queryParameters["all"] == "1"
        let book = try store.policyBook()
        let policy: PolicyVersion
        do { policy = try book.inForce(on: day) } catch { throw ConsoleError(.refused, "\(day) 没有生效的政策版本 no policy version is in force: \(error)") }
        let special = book.specialProcedure(on: day)
        let actor = session.actor
        let stages = Set(ApplicationWorkflow.Stage.allCases.filter { !$0.isFinal && $0 != .draft })
        let cases = try store.cases(at: stages).filter {
            org.contains($0.householdCase.household.village) && (all || !$0.workflow.allowedEvents(for: actor, on: day, special: special).isEmpty)
        }
        let assessor = Assessor(policy: policy)
        let text = AssessmentText(policy: policy, asOf: day)
        let tree = try store.orgTree()
        let rows: [[String: Any]] = try cases.map { c in
            let assessment = assessor.assess(c.householdCase, asOf: day)
            let row = ReviewRow(c, assessment: assessment, next: c.workflow.allowedEvents(for: actor, on: day, special: special))
            let d = assessment.determination(c.application.programme, member: c.application.member)
            var explanation = ""
            if let d {
                explanation = ([text.heading(d, in: c.householdCase)] + d.steps.enumerated().map { "  \($0.offset + 1). \($0.element.line)" })
                    .joined(separator: "\n")
            }
            var out: [String: Any] = ["id": c.application.id.uuidString.lowercased(), "application": row.application, "head": row.head,
                    "village": tree[c.householdCase.household.village]?.name ?? row.village, "programme": row.programme,
                    "stage": row.stageName, "assessed": row.assessed, "next": row.nextSteps.joined(separator: "、"),
                    "verdict": d?.status.chineseName ?? "—", "explanation": explanation]
            if let warning = try DuplicateWarning.text(for: c.application, store: store) { out["warning"] = warning }
            return out
        }
        var page: [String: Any] = [
            "heading": heading, "links": links, "action": action, "date": day.iso, "all": all, "rows": rows, "policy": policy.id,
        ]
        if let sheet { page["sheet"] = sheet }
        return pages.page("queue", title: heading, session: session, flash: await flash(session), page)
    }

    // MARK: - the case page

    /// `GET /console/cases/{application}`
    func casePage(_ context: DoudiRequestContext, _ session: ConsoleSession) async throws -> Response {
        let store = try await fresh(session)
        let review = try inScope(context, session, store)
        let c = review.householdCase, h = c.household, a = review.application
        let day = today()
        let book = try store.policyBook()
        let policy = try? book.inForce(on: day)
        let tree = try store.orgTree()
        var page: [String: Any] = [
            "id": a.id.uuidString.lowercased(), "application": Labels.short(a.id), "head": ReviewText.headName(c),
            "programme": a.programme.chineseName, "stage": review.workflow.stage.chineseName, "date": a.date.iso,
            "village": h.village.value, "villageName": tree[h.village]?.name ?? h.village.value, "household": Labels.short(h.id),
            "address": h.address, "hukou": "\(h.hukou)（\(h.hukouType.chineseName)）",
            "categories": Labels.categories(h.categories), "status": Labels.status(h.status), "csrf": session.csrf, "today": day.iso,
        ]
        if !a.summary.isEmpty { page["summary"] = a.summary }
        page["members"] = c.members.map { m -> [String: Any] in
            ["name": m.name, "sex": m.residentID.sex.chineseName, "age": m.age(on: day), "relation": m.relation.chineseName,
             "residentID": m.residentID.masked, "labour": m.labourCapacity.chineseName, "health": m.health.chineseName,
             "disability": Labels.disability(m.disability)]
        }
        if let policy {
            let assessment = Assessor(policy: policy).assess(c, asOf: day)
            page["assessment"] = AssessmentText(policy: policy, asOf: day).household(AssessedHousehold(document: "", householdCase: c, assessment: assessment))
            page["policy"] = policy.id
            page["asOf"] = day.iso
        } else {
            page["assessment"] = "今天没有生效的政策版本 no policy version is in force today"
        }
        page["surveys"] = c.surveys.map { s -> [String: Any] in
            let monthly = s.incomes.reduce(Money.zero) { $0 + ($1.period == .monthly ? $1.amount : .zero) }
            return ["date": s.date.iso, "surveyors": s.surveyors.joined(separator: "、"),
                    "items": s.incomes.map { "\($0.kind.chineseName) \($0.amount.yuanText)/\($0.period.chineseName)" }.joined(separator: "；"),
                    "total": monthly.yuanText]
        }
        page["visits"] = try store.visits(of: h.id).map { v -> [String: Any] in
            ["date": v.date.iso, "visitors": v.visitors.joined(separator: "、"), "conclusion": v.conclusion.chineseName]
        }
        page["history"] = review.workflow.history.map { t -> [String: Any] in
            ["day": t.day.iso, "step": t.event.kind.chineseName, "actor": "\(t.actor.user)（\(t.actor.role.chineseName)）",
             "stage": t.to.chineseName, "detail": Self.detail(t.event)]
        }
        page["decisions"] = try store.decisions(on: a.id).map { d in
            "\(d.date) \(d.outcome.chineseName)\(d.amount.map { " \($0.yuanText) 元" } ?? "")：\(d.reason)"
        }
        if let notice = review.workflow.state.notice ?? review.workflow.approval?.notice {
            let town = h.village.town ?? h.village
            page["notice"] = ["postedOn": notice.postedOn.iso, "through": notice.through.iso, "days": notice.days,
                              "firstDayAfter": notice.firstDayAfter.iso,
                              "sheet": "/console/towns/\(town.value)/notice-sheet?posted=\(notice.postedOn.iso)"]
        }
        let special = book.specialProcedure(on: day)
        let allowed = review.workflow.isClosed ? [] : review.workflow.allowedEvents(for: session.actor, on: day, special: special)
        if allowed.contains(.payFirst), let town = h.village.town {
            page["fund"] = ["town": tree[town]?.name ?? town.value, "balance": try store.reserveFund(town: town).balance.yuanText]
        }
        page["steps"] = allowed.filter { $0 != .submit }.map { kind -> [String: Any] in
            ["kind": kind.rawValue, "title": kind.chineseName, "hint": StepForm.hint(kind), "id": a.id.uuidString.lowercased(),
             "csrf": session.csrf, "today": day.iso,
             "fields": StepForm.fields(kind, members: c.members, programme: a.programme).map(\.context)]
        }
        page["closedText"] = review.workflow.isClosed ? "此申请已办结（\(review.workflow.stage.chineseName)）。"
            : "今天没有您可以办理的步骤（例如公示期未满，或应由其他层级办理）。"
        return pages.page("case", title: "\(a.programme.chineseName)申请 \(Labels.short(a.id))", session: session, flash: await flash(session), page)
    }

    /// `POST /console/cases/{application}/steps/{step}`: the step as a change set, pushed at once.
    func takeStep(_ context: DoudiRequestContext, _ session: ConsoleSession, _ form: FormBody) async throws -> Response {
        let store = session.store
        let review = try inScope(context, session, store)
        let id = review.application.id
        guard let kind = context.parameters.get("step").flatMap(WorkflowEvent.Kind.init(rawValue:)) else {
            throw ConsoleError(.notFound, "没有这个办理步骤 no such step")
        }
        let day = try day(form["date"])
        let book = try store.policyBook()
        let policy: PolicyVersion
        do { policy = try book.inForce(on: day) } catch { throw ConsoleError(.refused, "\(day) 没有生效的政策版本 no policy version is in force: \(error)") }
        let event = try StepForm.event(kind, form, members: review.householdCase.members)
        // judged against what the server holds now, not a page left open for an hour
        _ = try? await copies.sync(store, user: session.actor.user, force: true)
        let changeSet: ChangeSet
        do { changeSet = try store.perform(.advanceApplication(id, event, on: day, policy: policy)) } catch {
            throw ConsoleError.action(error)
        }
        let after = try store.caseInReview(id)
        var text = "已办理「\(kind.chineseName)」：现为「\(after.workflow.stage.chineseName)」"
        let written = ReviewText.written(changeSet, householdCase: after.householdCase)
        if !written.isEmpty { text += "；" + written.joined(separator: "；") }
        return try await pushed(changeSet, session, text, then: "/console/cases/\(id.uuidString.lowercased())")
    }

    /// The case named in the path, when it lies within the user's jurisdiction.
    func inScope(_ context: DoudiRequestContext, _ session: ConsoleSession, _ store: FieldStore) throws -> CaseInReview {
        // the whole id, or the short one listings show
        let text = context.parameters.get("application") ?? ""
        let review: CaseInReview
        do { review = try store.caseInReview(try UUID(uuidString: text) ?? store.resolveApplication(text)) } catch { throw ConsoleError(.notFound, "您的辖区内没有这个申请 no such application within your jurisdiction") }
        guard session.actor.hasJurisdiction(over: review.householdCase.household.village) else {
            throw ConsoleError(.forbidden, "此申请不在您的辖区内 this application is outside your jurisdiction")
        }
        return review
    }

    /// What a step said besides its kind, for the steps table.
    static func detail(_ event: WorkflowEvent) -> String {
        switch event {
        case .returnForCorrection(let reason), .reject(let reason), .withdraw(let reason): reason
        case .recordCollectiveReview(let r): "主持人 \(r.chair)，记录人 \(r.recorder)，同意 \(r.agreeing) 人，不同意 \(r.disagreeing) 人，结论\(r.qualifies ? "符合" : "不符合")"
        case .raiseObjection(let summary): summary
        case .approve(let terms): [terms.amount.map { "金额 \($0.yuanText) 元" }, terms.classifiedAidTiers.isEmpty ? nil : "分类施保 \(terms.classifiedAidTiers.count) 人",
                                   terms.note.isEmpty ? nil : terms.note].compactMap { $0 }.joined(separator: "，")
        case .referToDistrict(let note), .completeAidFirst(let note): note
        case .payFirst(let amount): "每人 \(amount.yuanText) 元"
        case .submit, .startTownReview, .postNotice, .startReinvestigation, .file: ""
        }
    }
}
