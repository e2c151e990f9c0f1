import Foundation

/// `classify --report`: one self-contained HTML page to look at the images and their labels.
///
/// ```
///  ┌ header: inputs, succeeded, failed, wall time, images/s, time per stage, model, weights ┐
///  ├ Accuracy (--labels-from-dirs): top-1/top-5, a sortable per-class table, confusions     ┤
///  ├ Misclassified (labelled jobs): cards with the true class, before everything else       ┤
///  ├ Failures: red cards, file name and reason (all, up to Limits.failures)                  ┤
///  └ Predictions: a grid of cards, thumbnail + top-1 + a bar per top-k candidate (first N)  ┘
/// ```
/// The page needs no other file and no network: thumbnails are embedded as
/// `data:image/jpeg;base64,…` and the style is inline. The only script is the fixed one that sorts
/// a labelled job's accuracy table; the Content Security Policy allows that script by its hash and
/// nothing else (no other script, no remote load), as a second line behind ``escape(_:)``.
public struct HTMLReport: Sendable {
    public let summary: JobSummary
    /// The model's catalog name.
    public let model: String
    /// The weights file (path and sha256), or "random".
    public let weights: String
    public let contents: Contents
    public let limits: Limits

    public init(summary: JobSummary, model: String, weights: String, contents: Contents, limits: Limits = Limits()) {
        (self.summary, self.model, self.weights, self.contents, self.limits) = (summary, model, weights, contents, limits)
    }

    /// The report of a finished `job`, from what `collector` gathered while it ran.
    public init(job: BatchJob, summary: JobSummary, collector: Collector) {
        let weights = job.classifier.weightsFile.map { "\($0.path) (sha256 \($0.sha256))" } ?? "random"
        self.init(
            summary: summary, model: job.classifier.entry.name, weights: weights, contents: collector.snapshot,
            limits: collector.limits)
    }

    /// The whole page.
    public func render() -> String {
        let failures = contents.entries.filter { !$0.row.succeeded }
        let misclassified = contents.entries.filter(\.isMisclassified)
        let predictions = contents.entries.filter { $0.row.succeeded && !$0.isMisclassified }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="\(contentSecurityPolicy)">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>batchvision report: \(HTMLReport.escape(model))</title>
            <style>\(HTMLReport.style)\(HTMLReport.accuracyStyle)</style>
            </head>
            <body>
            \(header)
            \(accuracySection)
            \(misclassifiedSection(misclassified))
            \(failureSection(failures))
            \(predictionSection(predictions))
            \(summary.accuracy == nil ? "" : "<script>\(Self.sortScript)</script>")
            </body>
            </html>

            """
    }

    /// Writes the page to `path` atomically: a temporary file beside it, fsync, then rename.
    ///
    /// - Throws: ``OutputError/notWritable(_:reason:)`` naming the path.
    public func write(to path: String) throws(OutputError) {
        try AtomicFile.write(Array(render().utf8), to: path)
    }
}
