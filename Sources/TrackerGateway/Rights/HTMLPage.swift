/// A small XHTML page builder: every text is escaped, the markup is well-formed XML.
///
/// W3C HTML 5.2 §8.3 (the XML syntax) and XML 1.0 §2.4 (`&`, `<`, `>` and quotes escaped). One inline
/// style sheet, no script, no external reference, so the page prints and files the same anywhere.
struct HTMLPage {
    private var title: String
    private var body: [String] = []

    init(title: String) {
        self.title = title
    }

    static let style = """
        body { font-family: sans-serif; margin: 2em; color: #111; max-width: 60em; }
        h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #999; }
        table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #bbb; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
        th { background: #eee; } ul.findings li { color: #a00; }
        @media print { body { margin: 0; } }
        """

    mutating func heading(_ level: Int, _ text: String) {
        body.append("<h\(level)>\(Self.escape(text))</h\(level)>")
    }

    mutating func paragraph(_ text: String) {
        body.append("<p>\(Self.escape(text))</p>")
    }

    mutating func list(_ items: [String], className: String? = nil) {
        let attribute = className.map { " class=\"\(Self.escape($0))\"" } ?? ""
        body.append("<ul\(attribute)>" + items.map { "<li>\(Self.escape($0))</li>" }.joined() + "</ul>")
    }

    mutating func table(_ header: [String], _ rows: [[String]]) {
        let head = "<tr>" + header.map { "<th>\(Self.escape($0))</th>" }.joined() + "</tr>"
        let cells = rows.map { "<tr>" + $0.map { "<td>\(Self.escape($0))</td>" }.joined() + "</tr>" }.joined(separator: "\n")
        body.append("<table>\n<thead>\(head)</thead>\n<tbody>\n\(cells)\n</tbody>\n</table>")
    }

    func rendered() -> String {
        """
        <!DOCTYPE html>
        <html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en">
        <head>
        <meta charset="utf-8"/>
        <title>\(Self.escape(title))</title>
        <style>
        \(Self.style)
        </style>
        </head>
        <body>
        \(body.joined(separator: "\n"))
        </body>
        </html>

        """
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default:
                // XML 1.0 §2.2 allows no control characters but tab and line ends.
                if character.unicodeScalars.allSatisfy({ $0.value >= 0x20 || $0 == "\t" || $0 == "\n" }) { escaped.append(character) }
            }
        }
        return escaped
    }
}
