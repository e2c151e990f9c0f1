import Foundation

// MARK: - The page's parts; every untrusted string goes through `HTMLReport.escape`.

extension HTMLReport {
    /// The run summary: counts, throughput, where the time went, and which model and weights.
    var header: String {
        let s = summary
        let stats: [(String, String)] = [
            ("inputs", "\(s.inputs)"), ("succeeded", "\(s.succeeded)"), ("failed", "\(s.failed)"),
            ("wall time", String(format: "%.2f s", s.wallSeconds)), ("images/s", String(format: "%.1f", s.imagesPerSecond)),
        ]
        let stages = String(
            format: "list %.2f s · read %.2f s · decode+preprocess %.2f s (summed over workers) · infer %.2f s · write %.2f s",
            s.stages.list, s.stages.read, s.stages.decodePreprocess, s.stages.infer, s.stages.write)
        var notes = ["<p><b>time per stage</b> \(stages)</p>"]
        notes.append("<p><b>model</b> \(Self.escape(model)) · <b>weights</b> \(Self.escape(weights))</p>")
        if s.resumed > 0 { notes.append("<p>\(s.resumed) inputs were done by an earlier run (--resume) and are not shown.</p>") }
        if let stopped = s.stoppedEarly { notes.append("<p class=\"warn\">stopped early: \(Self.escape(stopped))</p>") }
        return """
            <header><h1>batchvision classify</h1>
            <dl class="stats">\(stats.map { "<div><dt>\($0.0)</dt><dd>\($0.1)</dd></div>" }.joined())</dl>
            \(notes.joined(separator: "\n"))
            </header>
            """
    }

    /// Every shown failure as a red card with its reason, and how many were left out.
    func failureSection(_ failures: [Entry]) -> String {
        guard !failures.isEmpty || contents.omittedFailures > 0 else { return "" }
        let note = contents.omittedFailures > 0
            ? "<p class=\"note\">\(contents.omittedFailures) more failures left out (the report shows at most \(limits.failures)).</p>"
            : ""
        return """
            <section id="failures"><h2>Failures (\(summary.failed))</h2>\(note)
            <div class="grid">\(failures.map(failureCard).joined(separator: "\n"))</div></section>
            """
    }

    /// A labelled job's misclassified rows, before everything else: what a user looks at first.
    func misclassifiedSection(_ entries: [Entry]) -> String {
        guard !entries.isEmpty else { return "" }
        let note = contents.omittedMisclassified > 0
            ? "<p class=\"note\">\(contents.omittedMisclassified) more misclassified images are in the output file but not shown here (--report-limit \(limits.misclassified)).</p>"
            : ""
        return """
            <section id="misclassified"><h2>Misclassified (\(entries.count + contents.omittedMisclassified))</h2>\(note)
            <div class="grid">\(entries.map(predictionCard).joined(separator: "\n"))</div></section>
            """
    }

    /// The first rows' cards in input order, and how many rows were left out.
    func predictionSection(_ predictions: [Entry]) -> String {
        let note = contents.omittedSucceeded > 0
            ? "<p class=\"note\">Showing the predictions for the first \(limits.thumbnails) inputs, in input order; \(contents.omittedSucceeded) more are in the output file but not shown here (--report-limit \(limits.thumbnails)).</p>"
            : ""
        return """
            <section id="predictions"><h2>Predictions</h2>\(note)
            <div class="grid">\(predictions.map(predictionCard).joined(separator: "\n"))</div></section>
            """
    }

    // MARK: - Cards

    func predictionCard(_ entry: Entry) -> String {
        let row = entry.row
        let candidates = Array(zip(row.topKLabels ?? [], row.topKProbs ?? []))
        let top1 = candidates.first.map {
            "<p class=\"top1\"><span class=\"label\">\(Self.escape($0.0))</span> <span class=\"pct\">\(Self.percent($0.1))</span></p>"
        } ?? ""
        let truth = row.trueLabel.map { "<p class=\"truth\">true: \(Self.escape($0))</p>" } ?? ""
        let bars = candidates.map { label, p in
            "<li><span class=\"l\">\(Self.escape(label))</span><span class=\"bar\"><i style=\"width:\(Self.percent(p))\"></i></span><span class=\"p\">\(Self.percent(p))</span></li>"
        }
        let style = entry.isMisclassified ? "card wrong" : "card"
        return """
            <figure class="\(style)">\(thumbnail(entry))<figcaption>\(name(entry))\(top1)\(truth)<ol class="topk">\(bars.joined())</ol></figcaption></figure>
            """
    }

    func failureCard(_ entry: Entry) -> String {
        """
        <figure class="card failed"><div class="thumb"><span>✕</span></div><figcaption>\(name(entry))<p class="error">\(Self.escape(entry.row.error ?? ""))</p></figcaption></figure>
        """
    }

    /// The file name, with the full path (or URL) as its tooltip.
    private func name(_ entry: Entry) -> String {
        let path = entry.row.path
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return "<p class=\"name\" title=\"\(Self.escape(path))\">\(Self.escape(file))</p>"
    }

    private func thumbnail(_ entry: Entry) -> String {
        guard let jpeg = entry.thumbnail else { return "<div class=\"thumb\"><span>no preview</span></div>" }
        let alt = Self.escape(entry.row.label ?? "")
        return "<div class=\"thumb\"><img alt=\"\(alt)\" src=\"data:image/jpeg;base64,\(Data(jpeg).base64EncodedString())\"></div>"
    }

    /// A probability as a percentage with one decimal, clamped to 0...100 (also a CSS width).
    static func percent(_ p: Float) -> String {
        String(format: "%.1f%%", Double(min(max(p, 0), 1)) * 100)
    }
}
