extension BenefitAccount {
    /// The roles that may change or remove a household's account once it has one: the town
    /// approver and the district officer. A village cadre records the account a household is
    /// registered with (none before); changing it redirects every later payment and every 补发,
    /// so it is the town's decision, taken on the household's own papers.
    public static let changers: Set<Role> = [.townApprover, .districtOfficer]

    /// Checks that `role` may turn a household's account from `old` into `new`.
    ///
    /// - Throws: ``ModelError`` (`forbidden`-like `invalidValue` on `benefitAccount`) saying who changes it.
    public static func checkChange(from old: BenefitAccount?, to new: BenefitAccount?, by role: Role) throws(ModelError) {
        guard let old, old != new, !changers.contains(role) else { return }
        throw ModelError(.invalidValue, field: "benefitAccount",
                         "一卡通账户变更须由镇(街道)办理 the household's 一卡通 account (\(old.bank), ending \(old.accountNumber.suffix(4))) is changed by the town approver or the district, not by a \(role.rawValue): give them the household's new account papers")
    }

    /// The shortest and longest account numbers accepted: Chinese bank card and 一卡通 account
    /// numbers are 16–19 digits, passbook and older account numbers from 12 up to 25.
    public static let accountNumberLengths = 12...25

    /// An account number as written in a ledger or typed, checked and normalised: spaces
    /// (also full-width ones) and hyphens removed, full-width digits made ASCII.
    ///
    /// - Throws: ``AccountNumberError`` when Excel has turned the number into scientific
    ///   notation (`6.21467E+18`: its last digits are lost), when it holds anything but digits,
    ///   or when it is shorter or longer than ``accountNumberLengths``.
    public static func accountNumber(_ text: String) throws(AccountNumberError) -> String {
        let trimmed = text.trimmingWhitespace()
        let upper = trimmed.uppercased()
        if upper.contains("E+"), upper.allSatisfy({ $0.isASCIIDigit || ".E+".contains($0) }) {
            throw AccountNumberError(text: text, problem: .scientificNotation)
        }
        var digits = ""
        for scalar in trimmed.unicodeScalars {
            switch scalar.value {
            case 0x30...0x39: digits.unicodeScalars.append(scalar)
            case 0xFF10...0xFF19: digits.unicodeScalars.append(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
            case 0x20, 0x3000, 0xA0, 0x2D: continue   // space, ideographic space, no-break space, hyphen
            default: throw AccountNumberError(text: text, problem: .characters)
            }
        }
        guard accountNumberLengths.contains(digits.count) else {
            throw AccountNumberError(text: text, problem: .length(digits.count))
        }
        return digits
    }
}

/// An account number that is not one (``BenefitAccount/accountNumber(_:)``), with what to do.
public struct AccountNumberError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Problem: Sendable, Hashable {
        /// Excel wrote it as `6.21467E+18`: digits are lost.
        case scientificNotation
        /// Something other than digits, spaces or hyphens.
        case characters
        /// This many digits: too few or too many.
        case length(Int)
    }

    /// The text as given.
    public var text: String
    public var problem: Problem

    public var description: String {
        switch problem {
        case .scientificNotation:
            "Excel 已将银行账号转为科学计数法，后几位已丢失，请将该列设为文本后重新导出 (Excel turned the account number into scientific notation and dropped its last digits: set the column to Text and export again)"
        case .characters:
            "must be digits only (spaces and hyphens are allowed and removed)"
        case .length(let n):
            "has \(n) digits; an account number has \(BenefitAccount.accountNumberLengths.lowerBound)–\(BenefitAccount.accountNumberLengths.upperBound): check for a missing or extra digit"
        }
    }
}
