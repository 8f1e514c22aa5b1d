import DoudiModel

extension Money {
    /// `self × count`, or `nil` when the product does not fit: output never traps on
    /// an absurd document (e.g. a mistyped number of persons).
    public func times(_ count: Int) -> Money? {
        let (product, overflow) = fen.multipliedReportingOverflow(by: Int64(count))
        return overflow ? nil : Money(fen: product)
    }
}
