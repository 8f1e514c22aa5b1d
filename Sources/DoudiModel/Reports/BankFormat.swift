import Foundation

/// How one bank takes a payment batch (代发批量文件) and how it answers (回盘文件): a column
/// mapping kept per bank in `ServerConfig/banks/*.json` (format: `docs/BANK-FORMATS.md`).
///
/// Banks differ in everything a batch file can differ in: the columns and their order, a
/// header row or none, the delimiter, the text encoding (most county banks still want GBK),
/// amounts in yuan or in fen, and where the control totals (笔数, 总金额) go — a separate
/// control file, or a first or last line. None takes the roll's title rows or totals table.
///
/// ```json
/// { "id": "sichuan-rcc", "name": "四川农信", "banks": ["四川农信", "农村信用社", "农商银行"],
///   "encoding": "GB18030", "delimiter": "|", "header": false,
///   "columns": [ {"title": "业务流水号", "field": "reference"}, {"title": "账号", "field": "accountNumber"},
///                {"title": "户名", "field": "accountName"}, {"title": "金额", "field": "amountYuan"} ],
///   "control": { "placement": "separateFile", "fields": ["count", "totalYuan"] },
///   "result": { "header": false, "reference": 1, "status": 5, "paidValues": ["0000"], "failedValues": ["1001", "1002"], "reason": 6 } }
/// ```
public struct BankFormat: Codable, Sendable, Hashable {
    /// A short name for files and options, e.g. `sichuan-rcc`.
    public var id: String
    /// The bank's name as people say it.
    public var name: String
    /// The 开户行 names this format serves: an account whose bank contains one of them goes in
    /// this bank's batch (`四川农信东兴支行` contains `四川农信`).
    public var banks: [String]
    /// `UTF-8` or `GB18030` (GBK's superset, what banks' Windows systems read).
    public var encoding: Encoding
    /// The field delimiter: `,`, `|` or a tab.
    public var delimiter: String
    /// True when the batch starts with a row of the column titles.
    public var header: Bool
    /// `CRLF` (the default) or `LF`.
    public var lineEnding: LineEnding
    /// The batch's columns, in order.
    public var columns: [Column]
    /// Where the batch's control totals go; `nil` when the bank takes none.
    public var control: Control?
    /// How the bank's result file is laid out.
    public var result: ResultLayout

    /// A text encoding a bank file is written or read in.
    public enum Encoding: String, Codable, Sendable, CaseIterable {
        case utf8 = "UTF-8"
        case gb18030 = "GB18030"
    }

    /// How lines end.
    public enum LineEnding: String, Codable, Sendable {
        case crlf = "CRLF", lf = "LF"
        /// The characters written.
        public var text: String { self == .crlf ? "\r\n" : "\n" }
    }

    /// One column of the batch: its title (in the header row, if any) and what it holds.
    public struct Column: Codable, Sendable, Hashable {
        public var title: String
        public var field: Field
        public init(title: String, field: Field) { self.title = title; self.field = field }
    }

    /// What a batch column holds, from the roll's line.
    public enum Field: String, Codable, Sendable, CaseIterable {
        /// 业务流水号 (``PaymentRoll/Line/reference``): the result file names the line by it.
        case reference
        /// 序号 within the batch, from 1.
        case sequence
        /// 账号 / 一卡通账号
        case accountNumber
        /// 户名 / 账户名
        case accountName
        /// 开户行
        case bank
        /// 证件号码 (the payee's resident ID number)
        case residentID
        /// 领款人姓名
        case payeeName
        /// 金额 in yuan with two decimals: `480.00`.
        case amountYuan
        /// 金额 in fen, an integer: `48000`.
        case amountFen
        /// 摘要: `2026年12月农村低保` (补发 lines say so).
        case summary
        /// 补贴项目
        case programme
        /// 发放年月 `202612`
        case month
        /// 乡镇
        case town
        /// 村
        case village
    }

    /// The control totals of a batch.
    public struct Control: Codable, Sendable, Hashable {
        /// Where they go.
        public var placement: Placement
        /// What the control line holds, in order.
        public var fields: [ControlField]

        public enum Placement: String, Codable, Sendable {
            /// A file of its own beside the batch (`….ctl`).
            case separateFile
            /// The batch's first line, before any header.
            case firstLine
            /// The batch's last line.
            case lastLine
        }

        public enum ControlField: String, Codable, Sendable, CaseIterable {
            /// 总笔数
            case count
            /// 总金额 in yuan, two decimals.
            case totalYuan
            /// 总金额 in fen.
            case totalFen
            /// 发放年月 `202612`
            case month
            /// The batch's file name.
            case fileName
        }

        public init(placement: Placement, fields: [ControlField]) { self.placement = placement; self.fields = fields }
    }

    /// Where the answer's facts are in the bank's result file.
    public struct ResultLayout: Codable, Sendable, Hashable {
        /// True when the result file's first row is titles: columns are then named by title.
        public var header: Bool
        /// The column of the line's reference (业务流水号).
        public var reference: ColumnRef
        /// The column of the outcome (处理结果, 状态 …).
        public var status: ColumnRef
        /// The status values that mean paid.
        public var paidValues: [String]
        /// The status values that mean failed (the line is paid again on a later roll). A status
        /// in neither list refuses the file: it may be 处理中, and the bank may still pay it.
        public var failedValues: [String]
        /// The column of the bank's reason for a failure, if any.
        public var reason: ColumnRef?
        /// The column of the amount in yuan, if any: it is checked against the line's.
        public var amountYuan: ColumnRef?

        public init(header: Bool, reference: ColumnRef, status: ColumnRef, paidValues: [String], failedValues: [String],
                    reason: ColumnRef? = nil, amountYuan: ColumnRef? = nil) {
            self.header = header; self.reference = reference; self.status = status; self.paidValues = paidValues
            self.failedValues = failedValues; self.reason = reason; self.amountYuan = amountYuan
        }
    }

    /// A column of the result file: its title (with a header row) or its position from 1.
    public enum ColumnRef: Codable, Sendable, Hashable, CustomStringConvertible {
        case title(String)
        case position(Int)

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let n = try? c.decode(Int.self) { self = .position(n) } else { self = .title(try c.decode(String.self)) }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .title(let t): try c.encode(t)
            case .position(let n): try c.encode(n)
            }
        }

        public var description: String {
            switch self {
            case .title(let t): "column \(t)"
            case .position(let n): "column \(n)"
            }
        }
    }

    public init(id: String, name: String, banks: [String], encoding: Encoding = .utf8, delimiter: String = ",", header: Bool = true,
                lineEnding: LineEnding = .crlf, columns: [Column], control: Control? = nil, result: ResultLayout) {
        self.id = id; self.name = name; self.banks = banks; self.encoding = encoding; self.delimiter = delimiter
        self.header = header; self.lineEnding = lineEnding; self.columns = columns; self.control = control; self.result = result
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case id, name, banks, encoding, delimiter, header, lineEnding, columns, control, result }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        banks = try c.decode([String].self, forKey: .banks)
        encoding = try c.decodeIfPresent(Encoding.self, forKey: .encoding) ?? .utf8
        delimiter = try c.decodeIfPresent(String.self, forKey: .delimiter) ?? ","
        header = try c.decodeIfPresent(Bool.self, forKey: .header) ?? true
        lineEnding = try c.decodeIfPresent(LineEnding.self, forKey: .lineEnding) ?? .crlf
        columns = try c.decode([Column].self, forKey: .columns)
        control = try c.decodeIfPresent(Control.self, forKey: .control)
        result = try c.decode(ResultLayout.self, forKey: .result)
    }

    /// True when this format serves accounts at `bank` (开户行).
    public func serves(bank: String) -> Bool {
        banks.contains { !$0.isEmpty && bank.contains($0) }
    }

    /// Checks the mapping can make a batch the bank can pay and read its answer.
    ///
    /// - Throws: ``ModelError`` naming the setting and what to write.
    public func validate() throws(ModelError) {
        guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw ModelError(.invalidValue, field: "id", "\"\(id)\" is not a short name: use letters, digits, - and _, e.g. sichuan-rcc")
        }
        guard !banks.isEmpty, banks.allSatisfy({ !$0.trimmingWhitespace().isEmpty }) else {
            throw ModelError(.missingValue, field: "banks", "name the 开户行 this format serves, e.g. [\"四川农信\"]")
        }
        guard [",", "|", "\t", ";"].contains(delimiter) else {
            throw ModelError(.invalidValue, field: "delimiter", "\"\(delimiter)\" is not a delimiter banks use: give \",\", \"|\", \";\" or \"\\t\"")
        }
        let fields = columns.map(\.field)
        for needed in [Field.reference, .accountNumber, .accountName] where !fields.contains(needed) {
            throw ModelError(.missingValue, field: "columns", "the batch needs a \(needed.rawValue) column: the bank pays by account and answers by reference")
        }
        guard fields.contains(.amountYuan) || fields.contains(.amountFen) else {
            throw ModelError(.missingValue, field: "columns", "the batch needs an amountYuan or amountFen column")
        }
        if let control, control.fields.isEmpty {
            throw ModelError(.missingValue, field: "control.fields", "a control line holds at least the count and the total")
        }
        guard !result.paidValues.isEmpty else {
            throw ModelError(.missingValue, field: "result.paidValues", "say which status values mean paid, e.g. [\"成功\"]")
        }
        guard !result.failedValues.isEmpty else {
            throw ModelError(.missingValue, field: "result.failedValues", "say which status values mean failed, e.g. [\"失败\"]: any other status refuses the file")
        }
        if let both = result.paidValues.first(where: result.failedValues.contains) {
            throw ModelError(.invalidValue, field: "result.failedValues", "\(both) cannot mean both paid and failed")
        }
        for ref in [result.reference, result.status] + [result.reason, result.amountYuan].compactMap({ $0 }) {
            switch ref {
            case .title where !result.header:
                throw ModelError(.invalidValue, field: "result", "\(ref) is named by title but the result file has no header row: give its position (1, 2 …)")
            case .position(let n) where n < 1:
                throw ModelError(.invalidValue, field: "result", "column positions count from 1, not \(n)")
            default: break
            }
        }
    }
}

extension BankFormat {
    /// Reads one bank's format file (`ServerConfig/banks/*.json`, docs/BANK-FORMATS.md).
    ///
    /// - Throws: ``DocumentError`` naming the file and the setting at fault: malformed JSON, a
    ///   misspelt or unknown setting, or a mapping that cannot make a batch (``validate()``).
    public static func load(json data: Data, document: String) throws(DocumentError) -> BankFormat {
        let format = try DocumentError.decode(BankFormat.self, from: data, document: document)
        try DocumentError.rejectUnknownFields(in: data, decoded: format, document: document, reference: "docs/BANK-FORMATS.md")
        do { try format.validate() } catch { throw DocumentError(error, document: document) }
        return format
    }
}
