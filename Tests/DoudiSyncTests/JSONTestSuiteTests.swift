import DoudiSync
import Foundation
import Testing

/// Nicolas Seriot's JSONTestSuite (`Tests/JSONTestSuite`, MIT), one test per file: every `y_` text
/// is JSON, every `n_` text is refused, every `i_` text is answered without a crash. Doudi's own
/// rules (Protocol/SPEC.md §3.5) come on top: a few `y_` texts are JSON that Doudi refuses as
/// ``JSONParseError/Kind/unsupported`` (numbers that are not whole, a member given twice).
@Suite("JSONTestSuite: y_ accepted, n_ rejected, i_ answered")
struct JSONTestSuiteTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("JSONTestSuite/test_parsing")

    static func cases(_ prefix: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }.sorted()
    }

    static func text(_ name: String) throws -> Data { try Data(contentsOf: directory.appendingPathComponent(name)) }

    /// The `y_` texts that are JSON but not JSON Doudi accepts: numbers with a fraction or an
    /// exponent, and objects with a member given twice.
    static let refusedByDoudi: Set<String> = [
        "y_number.json", "y_number_0e+1.json", "y_number_0e1.json", "y_number_double_close_to_zero.json",
        "y_number_int_with_exp.json", "y_number_real_capital_e.json", "y_number_real_capital_e_neg_exp.json",
        "y_number_real_capital_e_pos_exp.json", "y_number_real_exponent.json", "y_number_real_fraction_exponent.json",
        "y_number_real_neg_exp.json", "y_number_real_pos_exponent.json", "y_number_simple_real.json",
        "y_object_duplicated_key.json", "y_object_duplicated_key_and_value.json", "y_object_extreme_numbers.json",
        "y_structure_lonely_negative_real.json",
    ]

    @Test("The suite is all here: 95 y_, 188 n_, 35 i_")
    func complete() {
        #expect(Self.cases("y_").count == 95)
        #expect(Self.cases("n_").count == 188)
        #expect(Self.cases("i_").count == 35)
        #expect(Self.refusedByDoudi.isSubset(of: Set(Self.cases("y_"))))
    }

    @Test("y_: JSON; Doudi reads it (and writes it back the same), or refuses it as unsupported with a reason", arguments: cases("y_"))
    func accepted(_ name: String) throws {
        let data = try Self.text(name)
        do { try JSONValue.checkSyntax(data) } catch { Issue.record("\(name) is JSON but was refused: \(error)") }
        do {
            let value = try JSONValue.parse(data)
            #expect(!Self.refusedByDoudi.contains(name), "\(name) holds a number that is not whole or a member given twice")
            #expect(try JSONValue.parse(Data(value.canonicalText.utf8)) == value, "\(name) does not read back from its canonical text")
        } catch {
            #expect(Self.refusedByDoudi.contains(name), "\(name): \(error)")
            #expect(error.kind == .unsupported, "\(name): \(error)")
        }
    }

    @Test("n_: refused, as not JSON or beyond a limit (never as merely unsupported)", arguments: cases("n_"))
    func rejected(_ name: String) throws {
        let data = try Self.text(name)
        #expect(throws: JSONParseError.self, "\(name) is not JSON but was read") { try JSONValue.checkSyntax(data) }
        do {
            let value = try JSONValue.parse(data)
            Issue.record("\(name) is not JSON but was read as \(value.canonicalText.prefix(80))")
        } catch {
            #expect(error.kind != .unsupported, "\(name): an unsupported refusal means the text is JSON: \(error)")
            #expect(!error.message.isEmpty)
            #expect(error.offset >= 0 && error.offset <= data.count)
        }
    }

    @Test("i_: answered either way, without a crash; the two readers agree", arguments: cases("i_"))
    func answered(_ name: String) throws {
        let data = try Self.text(name)
        let syntax: JSONParseError?
        do { try JSONValue.checkSyntax(data); syntax = nil } catch { syntax = error }
        do {
            let value = try JSONValue.parse(data)
            #expect(syntax == nil, "\(name) read as a value but refused as text: \(syntax.map { "\($0)" } ?? "")")
            #expect(try JSONValue.parse(Data(value.canonicalText.utf8)) == value)
        } catch {
            // what is not JSON for the syntax check is refused the same way; the rest only as unsupported
            if let syntax { #expect(error == syntax, "\(name)") } else { #expect(error.kind == .unsupported, "\(name): \(error)") }
        }
    }
}
