import Foundation

/// `classify --report`: one self-contained HTML page to look at the images and their labels.
///
/// ```
///  ┌ header: inputs, succeeded, failed, wall time, images/s, time per stage, model, weights ┐
///  ├ Failures: red cards, file name and reason (all, up to Limits.failures)                  ┤
///  └ Predictions: a grid of cards, thumbnail + top-1 + a bar per top-k candidate (first N)  ┘
/// ```
/// The page needs no other file and no network: thumbnails are embedded as
/// `data:image/jpeg;base64,…`, the style is inline, and there is no script. A Content Security
/// Policy forbids scripts and remote loads anyway, as a second line behind ``escape(_:)``.
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
        let failures = contents.entries.filter { $0.error != nil }
        let predictions = contents.entries.filter { $0.error == nil }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>batchvision report: \(HTMLReport.escape(model))</title>
            <style>\(HTMLReport.style)</style>
            </head>
            <body>
            \(header)
            \(failureSection(failures))
            \(predictionSection(predictions))
            </body>
            </html>

            """
    }

    /// Writes the page to `path` atomically: a temporary file beside it, fsync, then rename.
    ///
    /// - Throws: ``OutputError/notWritable(_:)`` naming the path.
    public func write(to path: String) throws {
        let final = URL(fileURLWithPath: path)
        let temporary = final.deletingLastPathComponent()
            .appendingPathComponent(".\(final.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try Data(render().utf8).write(to: temporary)
            try Durable.commit(temporary, as: final)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error as? OutputError ?? OutputError.notWritable("\(path): \(error.localizedDescription)")
        }
    }
}
