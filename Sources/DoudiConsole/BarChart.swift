import DoudiModel
import Foundation

/// A bar chart drawn on the server as SVG (no script, no outside asset): one bar per label,
/// stacked by series, with the total written at the bar's end. Labels are escaped.
struct BarChart {
    struct Bar {
        var label: String
        /// One value per series, in fen (money) or a count.
        var values: [Int64]
        var total: Int64 { values.reduce(0, +) }
    }

    var series: [String]
    var bars: [Bar]
    /// How a total is written at the bar's end.
    var format: (Int64) -> String
    var title: String

    static let colours = ["#8b1a1a", "#d9822b", "#3a6ea5", "#5a9e4b", "#8e6bb0", "#b5a642", "#4aa3a3", "#a5566e", "#777777"]

    /// Horizontal bars, one row per label.
    func svg() -> String {
        let e = HTMLText.escape
        let labelWidth = 130, barWidth = 520, row = 26, top = 30
        let legendRows = (series.count + 3) / 4
        let height = top + bars.count * row + 20 + legendRows * 20
        let maximum = max(1, bars.map(\.total).max() ?? 1)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"\(labelWidth + barWidth + 140)\" height=\"\(height)\" "
            + "font-family=\"sans-serif\" font-size=\"12\"><title>\(e(title))</title>\n"
        out += "<text x=\"0\" y=\"16\" font-weight=\"bold\">\(e(title))</text>\n"
        for (i, bar) in bars.enumerated() {
            let y = top + i * row
            out += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 16)\" text-anchor=\"end\">\(e(bar.label))</text>\n"
            var x = labelWidth
            for (s, value) in bar.values.enumerated() where value > 0 {
                let w = max(1, Int(Double(value) / Double(maximum) * Double(barWidth)))
                out += "<rect x=\"\(x)\" y=\"\(y + 4)\" width=\"\(w)\" height=\"\(row - 8)\" fill=\"\(Self.colours[s % Self.colours.count])\">"
                    + "<title>\(e(bar.label)) \(e(series[s])) \(e(format(value)))</title></rect>\n"
                x += w
            }
            out += "<text x=\"\(x + 6)\" y=\"\(y + 16)\">\(e(format(bar.total)))</text>\n"
        }
        let legendTop = top + bars.count * row + 12
        for (s, name) in series.enumerated() {
            let x = labelWidth + (s % 4) * 170, y = legendTop + (s / 4) * 20
            out += "<rect x=\"\(x)\" y=\"\(y)\" width=\"12\" height=\"12\" fill=\"\(Self.colours[s % Self.colours.count])\"/>"
                + "<text x=\"\(x + 16)\" y=\"\(y + 11)\">\(e(name))</text>\n"
        }
        return out + "</svg>"
    }
}
