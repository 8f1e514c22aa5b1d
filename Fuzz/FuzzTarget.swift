// The libFuzzer target for Doudi's JSON parser and push reader (scripts/fuzz builds and runs it).
//
// Every input is given to `JSONValue.parse` and `JSONValue.checkSyntax` (the parser, strict and
// lenient) and to `PushBody.read` (what the server turns a `/v1/push` body into). None may trap,
// overflow its stack or read out of bounds (AddressSanitizer is on), and the answers must agree:
// - a value read strictly is JSON, and reads back the same from its canonical text;
// - an `unsupported` refusal means the text is JSON (the syntax check passes);
// - what the syntax check refuses, the strict parser refuses the same way;
// - a push body read as such came from a text the parser reads (or that is JSON, when a change
//   set holds what Doudi's values cannot).
// A broken promise is a crash, which libFuzzer reports with the input that caused it.
import DoudiSync
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    var syntax: JSONParseError?
    do throws(JSONParseError) { try JSONValue.checkSyntax(data) } catch { syntax = error }
    do throws(JSONParseError) {
        let value = try JSONValue.parse(data)
        guard syntax == nil else { fatalError("read as a value, refused as text: \(syntax.map { "\($0)" } ?? "")") }
        let again: JSONValue
        do { again = try JSONValue.parse(Data(value.canonicalText.utf8)) } catch { fatalError("its canonical text is refused: \(error)") }
        guard again == value else { fatalError("its canonical text reads as another value") }
    } catch {
        if let syntax {
            guard error == syntax else { fatalError("refused differently: \(error) / \(syntax)") }
        } else {
            guard error.kind == .unsupported else { fatalError("JSON refused as \(error.kind): \(error)") }
        }
        guard error.offset >= 0, error.offset <= data.count, !error.message.isEmpty else { fatalError("a refusal without a place or a reason: \(error)") }
    }
    do throws(PushBodyError) {
        let body = try PushBody.read(data)
        guard syntax == nil else { fatalError("a push read from a text that is not JSON") }
        guard readableProtocolVersions.contains(body.protocolVersion) else { fatalError("a push of a version this side does not read was read") }
    } catch {
        guard !error.message.isEmpty else { fatalError("a push refused without a reason") }
    }
    return 0
}
