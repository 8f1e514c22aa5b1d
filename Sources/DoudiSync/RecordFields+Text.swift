import DoudiModel

extension RecordFields {
    /// Checks every text inside a field's value with DoudiModel's ``TextRules`` (the text of
    /// a nested value is judged by its own member name, e.g. `disability.cause`).
    ///
    /// - Throws: ``ModelError`` naming the path of the text at fault.
    public static func checkText(_ value: JSONValue, field: String) throws(ModelError) {
        switch value {
        case .string(let text):
            try TextRules.check(text, field: field)
        case .array(let items):
            for (i, item) in items.enumerated() {
                do { try checkText(item, field: field) } catch { throw ModelError(error.code, field: "\(field)[\(i)]", error.message) }
            }
        case .object(let members):
            for (name, member) in members {
                do { try checkText(member, field: name) } catch { throw ModelError(error.code, field: "\(field).\(error.field ?? name)", error.message) }
            }
        case .null, .bool, .int:
            return
        }
    }
}
