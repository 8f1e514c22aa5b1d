import Foundation

/// Encodes an `Encodable` straight into a ``JSONValue``, without writing JSON text and
/// parsing it again: every local action and every merge turns records into their fields.
/// Only what ``JSONValue`` holds is written (whole numbers, strings, booleans, null, arrays,
/// objects); anything else (a floating-point number, an integer beyond 64 bits) throws, and
/// ``RecordFields`` then encodes again through `JSONEncoder`, as before.
struct JSONValueEncoder: Encoder {
    /// A value being built: containers are shared by reference until the encoding ends.
    final class Node {
        var value: JSONValue?
        var object: [String: Node]?
        var array: [Node]?

        /// The value built; `nil` when nothing was encoded into this node (a nested value
        /// that encoded nothing is `{}`, as `JSONEncoder` writes it).
        func resolved() -> JSONValue? {
            if let object { return .object(object.mapValues { $0.resolved() ?? .object([:]) }) }
            if let array { return .array(array.map { $0.resolved() ?? .object([:]) }) }
            return value
        }
    }

    let node: Node
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ node: Node, codingPath: [any CodingKey] = []) { self.node = node; self.codingPath = codingPath }

    /// The value of `value`'s `Codable` form.
    ///
    /// - Throws: `EncodingError` for a value ``JSONValue`` cannot hold, or one that encoded nothing.
    static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let root = Node()
        try encode(value, into: root, codingPath: [])
        guard let result = root.resolved() else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "\(T.self) encoded nothing"))
        }
        return result
    }

    static func encode<T: Encodable>(_ value: T, into node: Node, codingPath: [any CodingKey]) throws {
        // the common leaves without a trip through the protocol
        switch value {
        case let s as String: node.value = .string(s)
        case let b as Bool: node.value = .bool(b)
        case let i as Int: node.value = .int(Int64(i))
        case let i as Int64: node.value = .int(i)
        case let i as Int32: node.value = .int(Int64(i))
        case let u as UUID: node.value = .string(u.uuidString)
        // what JSONEncoder writes its own way: as it does, or not here
        case let d as Data: node.value = .string(d.base64EncodedString())
        case let url as URL: node.value = .string(url.absoluteString)
        case is Date, is Decimal: throw unsupported(value, codingPath)
        default: try value.encode(to: JSONValueEncoder(node, codingPath: codingPath))
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if node.object == nil { node.object = [:] }
        return KeyedEncodingContainer(Keyed<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if node.array == nil { node.array = [] }
        return Unkeyed(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: node, codingPath: codingPath) }

    static func unsupported(_ value: Any, _ codingPath: [any CodingKey]) -> EncodingError {
        EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "only whole numbers of 64 bits are written"))
    }

    static func whole<T: BinaryInteger>(_ value: T, _ codingPath: [any CodingKey]) throws -> JSONValue {
        guard let i = Int64(exactly: value) else { throw unsupported(value, codingPath) }
        return .int(i)
    }

    typealias Index = JSONArrayIndex

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        let codingPath: [any CodingKey]

        func leaf(_ value: JSONValue, _ key: Key) {
            let child = Node()
            child.value = value
            node.object?[key.stringValue] = child
        }
        mutating func encodeNil(forKey key: Key) throws { leaf(.null, key) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { leaf(.bool(value), key) }
        mutating func encode(_ value: String, forKey key: Key) throws { leaf(.string(value), key) }
        mutating func encode(_ value: Double, forKey key: Key) throws { throw JSONValueEncoder.unsupported(value, codingPath + [key]) }
        mutating func encode(_ value: Float, forKey key: Key) throws { throw JSONValueEncoder.unsupported(value, codingPath + [key]) }
        mutating func encode(_ value: Int, forKey key: Key) throws { leaf(.int(Int64(value)), key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { leaf(.int(Int64(value)), key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { leaf(.int(Int64(value)), key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { leaf(.int(Int64(value)), key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { leaf(.int(value), key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { leaf(try JSONValueEncoder.whole(value, codingPath + [key]), key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { leaf(.int(Int64(value)), key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { leaf(.int(Int64(value)), key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { leaf(.int(Int64(value)), key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { leaf(try JSONValueEncoder.whole(value, codingPath + [key]), key) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            let child = Node()
            try JSONValueEncoder.encode(value, into: child, codingPath: codingPath + [key])
            node.object?[key.stringValue] = child
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let child = Node()
            node.object?[key.stringValue] = child
            return JSONValueEncoder(child, codingPath: codingPath + [key]).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = Node()
            node.object?[key.stringValue] = child
            return JSONValueEncoder(child, codingPath: codingPath + [key]).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }
        mutating func superEncoder(forKey key: Key) -> any Encoder {
            let child = Node()
            node.object?[key.stringValue] = child
            return JSONValueEncoder(child, codingPath: codingPath + [key])
        }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]
        var count: Int { node.array?.count ?? 0 }

        func append(_ value: JSONValue) {
            let child = Node()
            child.value = value
            node.array?.append(child)
        }
        mutating func encodeNil() throws { append(.null) }
        mutating func encode(_ value: Bool) throws { append(.bool(value)) }
        mutating func encode(_ value: String) throws { append(.string(value)) }
        mutating func encode(_ value: Double) throws { throw JSONValueEncoder.unsupported(value, codingPath + [Index(count)]) }
        mutating func encode(_ value: Float) throws { throw JSONValueEncoder.unsupported(value, codingPath + [Index(count)]) }
        mutating func encode(_ value: Int) throws { append(.int(Int64(value))) }
        mutating func encode(_ value: Int8) throws { append(.int(Int64(value))) }
        mutating func encode(_ value: Int16) throws { append(.int(Int64(value))) }
        mutating func encode(_ value: Int32) throws { append(.int(Int64(value))) }
        mutating func encode(_ value: Int64) throws { append(.int(value)) }
        mutating func encode(_ value: UInt) throws { append(try JSONValueEncoder.whole(value, codingPath + [Index(count)])) }
        mutating func encode(_ value: UInt8) throws { append(.int(Int64(value))) }
        mutating func encode(_ value: UInt16) throws { append(.int(Int64(value))) }
        mutating func encode(_ value: UInt32) throws { append(.int(Int64(value))) }
        mutating func encode(_ value: UInt64) throws { append(try JSONValueEncoder.whole(value, codingPath + [Index(count)])) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            let child = Node()
            try JSONValueEncoder.encode(value, into: child, codingPath: codingPath + [Index(count)])
            node.array?.append(child)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let child = Node()
            node.array?.append(child)
            return JSONValueEncoder(child, codingPath: codingPath + [Index(count - 1)]).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let child = Node()
            node.array?.append(child)
            return JSONValueEncoder(child, codingPath: codingPath + [Index(count - 1)]).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder {
            let child = Node()
            node.array?.append(child)
            return JSONValueEncoder(child, codingPath: codingPath + [Index(count - 1)])
        }
    }

    struct Single: SingleValueEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]
        mutating func encodeNil() throws { node.value = .null }
        mutating func encode(_ value: Bool) throws { node.value = .bool(value) }
        mutating func encode(_ value: String) throws { node.value = .string(value) }
        mutating func encode(_ value: Double) throws { throw JSONValueEncoder.unsupported(value, codingPath) }
        mutating func encode(_ value: Float) throws { throw JSONValueEncoder.unsupported(value, codingPath) }
        mutating func encode(_ value: Int) throws { node.value = .int(Int64(value)) }
        mutating func encode(_ value: Int8) throws { node.value = .int(Int64(value)) }
        mutating func encode(_ value: Int16) throws { node.value = .int(Int64(value)) }
        mutating func encode(_ value: Int32) throws { node.value = .int(Int64(value)) }
        mutating func encode(_ value: Int64) throws { node.value = .int(value) }
        mutating func encode(_ value: UInt) throws { node.value = try JSONValueEncoder.whole(value, codingPath) }
        mutating func encode(_ value: UInt8) throws { node.value = .int(Int64(value)) }
        mutating func encode(_ value: UInt16) throws { node.value = .int(Int64(value)) }
        mutating func encode(_ value: UInt32) throws { node.value = .int(Int64(value)) }
        mutating func encode(_ value: UInt64) throws { node.value = try JSONValueEncoder.whole(value, codingPath) }
        mutating func encode<T: Encodable>(_ value: T) throws { try JSONValueEncoder.encode(value, into: node, codingPath: codingPath) }
    }
}
