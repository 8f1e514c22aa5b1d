import DoudiModel
import Foundation

extension MergeRun {
    /// The authority of a role: district > town > village.
    static func rank(_ role: Role) -> Int {
        switch role {
        case .districtOfficer: 3
        case .townApprover: 2
        case .collector: 1
        case .auditor: 0
        }
    }

    func decodeWorkflow(_ values: [String: JSONValue], _ change: Change) throws -> ApplicationWorkflow {
        do { return try RecordFields.record(ApplicationWorkflow.self, from: values) } catch {
            throw reject(.validation, change, "the workflow cannot be read: \(error)")
        }
    }

    func history(_ value: JSONValue?, _ change: Change) throws -> [ApplicationWorkflow.Transition] {
        guard let value else { return [] }
        do { return try RecordFields.value([ApplicationWorkflow.Transition].self, from: value) } catch {
            throw reject(.validation, change, "the workflow history cannot be read: \(error)")
        }
    }

    /// Replays transitions on a workflow, each by its own actor, against the policy in force
    /// on its day. Only the change set's author may add transitions.
    func replay(_ transitions: [ApplicationWorkflow.Transition], on workflow: inout ApplicationWorkflow, _ change: Change,
                checkAuthor: Bool) throws {
        for t in transitions {
            if checkAuthor, t.actor != changeSet.author {
                throw reject(.authority, change, "the change set adds a step taken by \(t.actor.user), not by its author \(changeSet.author.user)")
            }
            let policy: PolicyVersion
            do { policy = try engine.policies.inForce(on: t.day) } catch { throw reject(.validation, change, error.description) }
            do { try workflow.apply(t.event, by: t.actor, on: t.day, policy: policy, special: engine.policies.specialProcedure(on: t.day)) } catch {
                let authority: Set<WorkflowError.Code> = [.roleNotAllowed, .outsideJurisdiction, .exceedsTownAuthority, .exceedsReserveFundLimit]
                throw reject(authority.contains(error.code) ? .authority : .validation, change, error.message)
            }
        }
    }

    /// A new workflow: it starts as a draft, and whatever steps it arrives with are replayed.
    func replayNewWorkflow(_ change: Change, _ fields: [String: FieldVersion]) throws -> [String: FieldVersion] {
        let claimed = try decodeWorkflow(fields.mapValues(\.value), change)
        var workflow: ApplicationWorkflow
        do {
            workflow = try ApplicationWorkflow(application: claimed.application, programme: claimed.programme,
                                               village: claimed.village, temporaryAidType: claimed.temporaryAidType)
        } catch { throw reject(.validation, change, error.description) }
        try replay(claimed.history, on: &workflow, change, checkAuthor: true)
        return try encodeWorkflow(workflow, stamp: change.fields.first?.stamp ?? changeSet.stamp, over: fields)
    }

    func encodeWorkflow(_ workflow: ApplicationWorkflow, stamp: HLCStamp, over fields: [String: FieldVersion]) throws -> [String: FieldVersion] {
        var out = fields
        for (name, value) in try RecordFields.fields(of: workflow) where fields[name]?.value != value {
            out[name] = FieldVersion(value: value, stamp: stamp)
        }
        return out
    }

    /// Workflow transitions must be legal for their actor; steps taken concurrently on two
    /// devices resolve by authority (district > town > village), and the overruled steps
    /// are kept in a conflict.
    mutating func mergeWorkflow(_ change: Change, _ existing: RecordVersion) throws -> [String: FieldVersion] {
        let current = try decodeWorkflow(existing.values, change)
        let incoming = try history(change.fields.first { $0.name == "history" }?.value, change)
        let serverHistory = current.history
        var common = 0
        while common < min(serverHistory.count, incoming.count), serverHistory[common] == incoming[common] { common += 1 }
        let stamp = change.fields.first?.stamp ?? changeSet.stamp
        let added = Array(incoming[common...])
        if common == serverHistory.count {
            var workflow = current
            try replay(added, on: &workflow, change, checkAuthor: true)
            return try encodeWorkflow(workflow, stamp: stamp, over: existing.fields)
        }
        let theirs = Array(serverHistory[common...])
        guard !added.isEmpty else { return existing.fields } // nothing new from this device
        let incomingRank = added.map { Self.rank($0.actor.role) }.max() ?? 0
        let standingRank = theirs.map { Self.rank($0.actor.role) }.max() ?? 0
        if incomingRank > standingRank {
            var workflow: ApplicationWorkflow
            do {
                workflow = try ApplicationWorkflow(application: current.application, programme: current.programme,
                                                   village: current.village, temporaryAidType: current.temporaryAidType)
            } catch { throw reject(.validation, change, error.description) }
            try replay(Array(serverHistory[..<common]), on: &workflow, change, checkAuthor: false)
            try replay(added, on: &workflow, change, checkAuthor: true)
            conflict(.overruledTransition, change, field: "history", kept: try RecordFields.value(of: added), other: try RecordFields.value(of: theirs),
                     "steps taken concurrently; \(added.last!.actor.role.rawValue) outranks \(theirs.last!.actor.role.rawValue), whose steps are overruled and kept here")
            return try encodeWorkflow(workflow, stamp: stamp, over: existing.fields)
        }
        conflict(.overruledTransition, change, field: "history", kept: try RecordFields.value(of: theirs), other: try RecordFields.value(of: added),
                 "steps taken concurrently; the standing steps are of equal or higher authority, these are overruled and kept here")
        return existing.fields
    }
}
