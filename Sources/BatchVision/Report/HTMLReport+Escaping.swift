extension HTMLReport {
    /// `text` made safe as HTML element content or a quoted attribute value.
    ///
    /// Paths, labels and error messages are untrusted (a file may be named `<script>.jpg`), so
    /// every one goes through here: `& < > " '` become character references, and C0 control
    /// characters other than tab and newline (invalid in HTML) become U+FFFD.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
