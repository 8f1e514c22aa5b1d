import Foundation

/// What a stop-payment decision (停保) decides: which enrolments end, and the last month paid.
///
/// Carried by a ``Decision`` (its ``Decision/stopPayment``). The enrolments named end with
/// ``lastMonth`` (their `end`); those that would only have started after it are voided, never
/// paid. A payment roll pays them through ``lastMonth`` and not after (``PaymentRoll``).
public struct StopPayment: Hashable, Sendable, Codable {
    /// The household whose enrolments end.
    public var household: UUID
    /// The person, when only their enrolments end (a death, a person moving out).
    public var member: UUID?
    /// The enrolments ended (or withdrawn, when they had not started by ``lastMonth``).
    public var enrolments: [UUID]
    /// 停保年月: the last month paid. For a death, the month of death (paid to its end).
    public var lastMonth: YearMonth
    /// 停保原因类别
    public var ground: StopPaymentGround
    /// 死亡日期, for ``StopPaymentGround/death``.
    public var dateOfDeath: Day?

    public init(household: UUID, member: UUID? = nil, enrolments: [UUID], lastMonth: YearMonth,
                ground: StopPaymentGround, dateOfDeath: Day? = nil) {
        self.household = household; self.member = member; self.enrolments = enrolments; self.lastMonth = lastMonth
        self.ground = ground; self.dateOfDeath = dateOfDeath
    }

    /// Checks the terms hang together.
    ///
    /// - Throws: ``ModelError`` naming the field.
    public func validate() throws(ModelError) {
        guard !enrolments.isEmpty else {
            throw ModelError(.missingValue, field: "stopPayment.enrolments", "a stop-payment decision ends at least one enrolment")
        }
        if ground == .death {
            guard member != nil else {
                throw ModelError(.missingValue, field: "stopPayment.member", "a stop-payment decision for a death names the person who died")
            }
            guard let dateOfDeath else {
                throw ModelError(.missingValue, field: "stopPayment.dateOfDeath", "a stop-payment decision for a death gives the date of death")
            }
            guard dateOfDeath.yearMonth == lastMonth else {
                throw ModelError(.invalidValue, field: "stopPayment.lastMonth",
                                 "after a death the benefit is paid to the end of the month of death (\(dateOfDeath.yearMonth)), not through \(lastMonth)")
            }
        }
    }
}

/// Why payment stops (停保原因类别); the decision's reason says the rest.
public enum StopPaymentGround: String, Codable, Sendable, CaseIterable {
    /// 死亡: the person's enrolments end with the month of death.
    case death
    /// 迁出: the household or person moved out of the district.
    case movedOut
    /// 其他: e.g. a household registered by mistake, or found not to qualify.
    case other

    /// 死亡 / 迁出 / 其他
    public var chineseName: String {
        switch self {
        case .death: "死亡"
        case .movedOut: "迁出"
        case .other: "其他"
        }
    }
}

extension StopPaymentGround: DocumentEnum {}
