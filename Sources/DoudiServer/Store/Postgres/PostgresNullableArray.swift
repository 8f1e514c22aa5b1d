import PostgresNIO

/// A one-dimensional PostgreSQL array whose elements may be NULL, bound as one parameter.
///
/// PostgresNIO binds `[String]`, `[Int64]`, `[UUID]` but not arrays of optionals; the
/// bulk writes (`INSERT … SELECT * FROM unnest($1, $2, …)`) need nullable columns such as
/// a record's household or a member's person key. The binary form is PostgreSQL's
/// `array_recv` format: dimensions, has-null flag, element type, then per dimension the
/// length and lower bound, then each element as its length (-1 for NULL) and bytes.
struct PostgresNullableArray<Element: PostgresArrayEncodable & PostgresNonThrowingEncodable>: PostgresNonThrowingEncodable, Sendable
where Element: Sendable {
    var elements: [Element?]

    init(_ elements: [Element?]) { self.elements = elements }

    static var psqlType: PostgresDataType { Element.psqlArrayType }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeInteger(elements.isEmpty ? 0 : 1, as: Int32.self)  // dimensions
        buffer.writeInteger(elements.contains { $0 == nil } ? 1 : 0, as: Int32.self)  // has nulls
        buffer.writeInteger(Element.psqlType.rawValue)  // element type
        guard !elements.isEmpty else { return }
        buffer.writeInteger(Int32(elements.count))  // length of the dimension
        buffer.writeInteger(1, as: Int32.self)  // its lower bound
        for element in elements {
            guard let element else {
                buffer.writeInteger(-1, as: Int32.self)
                continue
            }
            let lengthIndex = buffer.writerIndex
            buffer.writeInteger(0, as: Int32.self)
            let start = buffer.writerIndex
            element.encode(into: &buffer, context: context)
            buffer.setInteger(Int32(buffer.writerIndex - start), at: lengthIndex, as: Int32.self)
        }
    }
}
