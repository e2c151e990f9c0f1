import Foundation
import TestSupport
import XCTest

@testable import BatchVision

/// `classify --report`: escaping, bounded collection, and the page as a real browser renders it.
final class HTMLReportTests: XCTestCase {
    private var work: URL!

    override func setUpWithError() throws {
        work = try TestData.temporaryDirectory("report")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: work)
    }

    // MARK: - Escaping

    func testEscapeNeutralisesMarkupQuotesAndAmpersands() {
        XCTAssertEqual(
            HTMLReport.escape(#"<script>alert('x')</script> & "q""#),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
        XCTAssertEqual(HTMLReport.escape("&amp;"), "&amp;amp;", "already-escaped text is escaped again, not trusted")
        XCTAssertEqual(HTMLReport.escape("a\u{0}b\u{1B}c\td\ne"), "a\u{FFFD}b\u{FFFD}c\td\ne")
        XCTAssertEqual(HTMLReport.escape("tabby, tabby cat 🐈"), "tabby, tabby cat 🐈")
    }

    func testHostilePathsLabelsAndErrorsNeverBecomeMarkup() throws {
        let hostile = #""><script>alert(1)</script><img src=x onerror=alert(2)>"#
        let entries = [
            HTMLReport.Entry(
                index: 0,
                row: PredictionRow(
                    path: "/data/\(hostile).jpg", label: hostile, classIndex: 1, confidence: 0.75, topKLabels: [hostile],
                    topKIndices: [1], topKProbs: [0.75]),
                thumbnail: try JPEGEncoder().encode(RGBImage(width: 2, height: 2, pixels: [UInt8](repeating: 9, count: 12)))),
            HTMLReport.Entry(
                index: 1, row: .failure(path: "s3://b/a&b'<x>.png", error: "corrupt & <b>bad</b> \(hostile)"), thumbnail: nil),
        ]
        let page = HTMLReport(
            summary: JobSummary(), model: "<model>", weights: "w&\"", contents: HTMLReport.Contents(entries: entries)
        ).render()
        XCTAssertFalse(page.lowercased().contains("<script"), "no script element, hostile or ours")
        XCTAssertFalse(page.contains("<img src=x"))
        XCTAssertTrue(page.contains("onerror=alert(2)&gt;"), "the hostile text is still shown, as text")
        XCTAssertFalse(page.contains("<b>bad</b>"))
        XCTAssertFalse(page.contains("<model>"))
        XCTAssertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertTrue(page.contains("corrupt &amp; &lt;b&gt;bad&lt;/b&gt;"))
        XCTAssertTrue(page.contains(#"title="s3://b/a&amp;b&#39;&lt;x&gt;.png""#))
        XCTAssertTrue(page.contains("w&amp;&quot;"))
        XCTAssertTrue(page.contains("75.0%"))

        // An HTML parser (Python's) sees no script and no event handler, and the hostile strings as text.
        let file = work.appendingPathComponent("hostile.html")
        try Data(page.utf8).write(to: file)
        let parsed = try JSONSerialization.jsonObject(with: try Oracle.run("report_check.py", [file.path])) as? [String: Any] ?? [:]
        XCTAssertEqual(parsed["scripts"] as? Int, 0)
        XCTAssertEqual(parsed["event_handlers"] as? [String], [])
        XCTAssertEqual(parsed["external"] as? [String], [])
        let text = parsed["text"] as? String ?? ""
        XCTAssertTrue(text.contains(hostile), text)
        XCTAssertTrue(text.contains("corrupt & <b>bad</b>"), text)
    }

    // MARK: - Bounded collection

    func testCollectorKeepsTheFirstRowsAndFailuresUpToTheCap() {
        let collector = HTMLReport.Collector(limits: HTMLReport.Limits(thumbnails: 3, failures: 2))
        let image = RGBImage(width: 400, height: 200, pixels: [UInt8](repeating: 128, count: 400 * 200 * 3))
        let failing: Set = [1, 5, 7, 9]
        for i in 0..<10 where !failing.contains(i) { collector.observe(index: i, image: image) }
        XCTAssertEqual(collector.pendingThumbnails, 2, "thumbnails only within the limit (0 and 2)")
        let rows = (0..<10).map { i in
            failing.contains(i)
                ? PredictionRow.failure(path: "f\(i)", error: "reason \(i)")
                : PredictionRow(
                    path: "f\(i)", label: "l", classIndex: 0, confidence: 1, topKLabels: ["l"], topKIndices: [0], topKProbs: [1])
        }
        collector.record(Array(rows[0..<4]))
        collector.record(Array(rows[4...]))
        let contents = collector.snapshot
        XCTAssertEqual(contents.entries.map(\.index), [0, 1, 2, 5])
        XCTAssertEqual(contents.entries.map { $0.thumbnail != nil }, [true, false, true, false])
        XCTAssertEqual(contents.omittedSucceeded, 4)  // 3, 4, 6, 8
        XCTAssertEqual(contents.omittedFailures, 2)  // 7, 9
        XCTAssertEqual(collector.pendingThumbnails, 0, "every thumbnail was handed to its row")
        let page = HTMLReport(summary: JobSummary(), model: "m", weights: "random", contents: contents, limits: collector.limits)
            .render()
        XCTAssertTrue(page.contains("4 more are in the output file but not shown"), page)
        XCTAssertTrue(page.contains("2 more failures left out"), page)
    }

    func testThumbnailsAreAtMost160PixelsAndNeverEnlarged() throws {
        XCTAssertTrue(HTMLReport.thumbnailSize(width: 451, height: 300, side: 160) == (160, 106))
        XCTAssertTrue(HTMLReport.thumbnailSize(width: 300, height: 451, side: 160) == (106, 160))
        XCTAssertTrue(HTMLReport.thumbnailSize(width: 5000, height: 3, side: 160) == (160, 1))
        XCTAssertTrue(HTMLReport.thumbnailSize(width: 100, height: 80, side: 160) == (100, 80))
        let photo = try ImageDecoder().decode(contentsOf: TestData.samples.appendingPathComponent("chelsea.jpg"))
        let jpeg = try XCTUnwrap(HTMLReport.thumbnail(of: photo, side: 160, quality: 80))
        let thumb = try ImageDecoder().decode(jpeg)
        XCTAssertEqual(max(thumb.width, thumb.height), 160)
        XCTAssertLessThan(jpeg.count, 20_000)
    }

    func testWriteReplacesTheFileAndLeavesNoTemporary() throws {
        let target = work.appendingPathComponent("r.html")
        try Data("old".utf8).write(to: target)
        try HTMLReport(summary: JobSummary(), model: "m", weights: "random", contents: .init()).write(to: target.path)
        XCTAssertTrue(try String(contentsOf: target, encoding: .utf8).hasPrefix("<!DOCTYPE html>"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: work.path), ["r.html"])
    }

    // MARK: - End to end, rendered by headless Chromium

    /// A labelled job's page: accuracy and its sortable tables (the script runs under the page's policy),
    /// and the misclassified images before the other predictions.
    func testLabelledReportShowsAccuracyAndMisclassifiedFirst() throws {
        guard let chromium = Chromium.path else {
            throw XCTSkip("chromium not found: apt-get install -y chromium (scripts/install-deps --test installs it)")
        }
        let inputs = work.appendingPathComponent("val")
        let folders = ["tabby", "n01440764", "golden_retriever", "tiger_shark", "holiday photos"]
        for (path, folder) in zip(try InputListingFixture.samplePaths(), folders) {
            let url = URL(fileURLWithPath: path)
            let target = inputs.appendingPathComponent(folder)
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: url, to: target.appendingPathComponent(url.lastPathComponent))
        }
        let report = work.appendingPathComponent("r.html")
        let summaryFile = work.appendingPathComponent("s.json")
        let result = try CLI.run([
            "classify", inputs.path, "--model", "resnet18", "--random-weights", "--batch-size", "4", "--resize", "72", "--crop", "64",
            "--output", work.appendingPathComponent("out.jsonl").path, "--labels-from-dirs", "--report", report.path,
            "--summary-json", summaryFile.path, "--quiet",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("accuracy on 4 labelled images"), result.stderr)
        XCTAssertTrue(result.stderr.contains("1 images are in folders that name none"), result.stderr)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: summaryFile)) as? [String: Any] ?? [:]
        let accuracy = try XCTUnwrap(summary["accuracy"] as? [String: Any])
        let rows = try Fixture.jsonl(work.appendingPathComponent("out.jsonl"))
        let wrong = rows.filter { !($0["true_index"] is NSNull) && $0["true_index"] as? Int != $0["class_index"] as? Int }
        XCTAssertEqual(accuracy["top1_count"] as? Int, 4 - wrong.count)
        XCTAssertEqual(Set(rows.compactMap { $0["true_label"] as? String }), ["tabby", "tench", "golden retriever", "tiger shark"])

        let page = try JSONSerialization.jsonObject(with: try Oracle.run("report_check.py", [report.path])) as? [String: Any] ?? [:]
        XCTAssertEqual(page["scripts"] as? Int, 1, "only the sort script")
        XCTAssertEqual(page["event_handlers"] as? [String], [])
        XCTAssertEqual(page["external"] as? [String], [])
        let dom = try Chromium.run(chromium, ["--dump-dom", report.absoluteString], home: work)
        XCTAssertTrue(dom.contains("data-sortable=\"ready\""), "the sort script did not run under the page's policy")
        XCTAssertTrue(dom.contains("id=\"per-class\"") && dom.contains("id=\"confusions\""))
        if !wrong.isEmpty {
            let misclassified = try XCTUnwrap(dom.range(of: "id=\"misclassified\""))
            let predictions = try XCTUnwrap(dom.range(of: "id=\"predictions\""))
            XCTAssertLessThan(misclassified.lowerBound, predictions.lowerBound, "misclassified images come first")
        }
    }


    func testClassifyReportRendersInHeadlessChromium() throws {
        guard let chromium = Chromium.path else {
            throw XCTSkip("chromium not found: apt-get install -y chromium (scripts/install-deps --test installs it)")
        }
        let inputs = work.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        for path in try InputListingFixture.samplePaths() {
            let url = URL(fileURLWithPath: path)
            try FileManager.default.copyItem(at: url, to: inputs.appendingPathComponent(url.lastPathComponent))
        }
        try Data([0xFF, 0xD8, 0xFF, 0xE0] + Array("this is not really a JPEG".utf8)).write(to: inputs.appendingPathComponent("broken.jpg"))
        let out = work.appendingPathComponent("out.jsonl")
        let report = work.appendingPathComponent("r.html")
        let result = try CLI.run([
            "classify", inputs.path, "--model", "resnet18", "--random-weights", "--batch-size", "4", "--output", out.path,
            "--report", report.path, "--quiet",
        ])
        XCTAssertEqual(result.status, 2, "the corrupt file makes it 2: \(result.stderr)")
        let rows = try Fixture.jsonl(out)
        XCTAssertEqual(rows.count, 6)
        let failures = rows.filter { !($0["error"] is NSNull) }
        XCTAssertEqual(failures.map { ($0["path"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent } }, ["broken.jpg"])

        // Python's HTML parser and Pillow: self-contained, and every thumbnail a real small JPEG.
        let page = try JSONSerialization.jsonObject(with: try Oracle.run("report_check.py", [report.path])) as? [String: Any] ?? [:]
        let thumbnails = page["thumbnails"] as? [[String: Any]] ?? []
        XCTAssertEqual(thumbnails.count, 5, "\(page)")
        for t in thumbnails {
            XCTAssertEqual(t["format"] as? String, "JPEG")
            XCTAssertEqual(max(t["width"] as? Int ?? 0, t["height"] as? Int ?? 0), 160, "\(t)")
        }
        XCTAssertEqual(page["bad_sources"] as? [String], [])
        XCTAssertEqual(page["external"] as? [String], [])
        XCTAssertEqual(page["scripts"] as? Int, 0)

        // The DOM Chromium built holds every label of every row and the failure's reason.
        let dom = try Chromium.run(chromium, ["--dump-dom", report.absoluteString], home: work)
        for row in rows {
            for label in row["top_k_labels"] as? [String] ?? [] {
                XCTAssertTrue(dom.contains(Chromium.serialisedText(label)), "label \(label) missing from the DOM")
            }
        }
        let reason = try XCTUnwrap(failures.first?["error"] as? String)
        XCTAssertTrue(dom.contains(Chromium.serialisedText(reason)), "failure reason \(reason) missing from the DOM")
        XCTAssertTrue(dom.contains("broken.jpg"))

        // The screenshot is a page, not a blank: many colours and real contrast.
        let shot = work.appendingPathComponent("shot.png")
        _ = try Chromium.run(
            chromium, ["--screenshot=\(shot.path)", "--window-size=1200,900", report.absoluteString], home: work)
        let image = try ImageDecoder().decode(contentsOf: shot)
        XCTAssertEqual(image.width, 1200)
        XCTAssertEqual(image.height, 900)
        let stats = Chromium.pixelStatistics(image)
        XCTAssertGreaterThan(stats.distinctColours, 500, "a blank or near-blank screenshot")
        XCTAssertGreaterThan(stats.lumaStandardDeviation, 20, "a flat screenshot")
        if let keep = ProcessInfo.processInfo.environment["BATCHVISION_KEEP_REPORT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(at: work, to: URL(fileURLWithPath: keep))
        }
    }
}

/// Headless Chromium, run with a time limit and a throwaway profile.
enum Chromium {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static var path: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// Runs headless Chromium with `arguments`; returns its standard output.
    static func run(_ chromium: String, _ arguments: [String], home: URL, timeout: TimeInterval = 120) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        let profile = home.appendingPathComponent("chromium-profile-\(UUID().uuidString)")
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=\(profile.path)",
        ] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let killer = DispatchWorkItem { [process] in if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        killer.cancel()
        try? FileManager.default.removeItem(at: profile)
        guard process.terminationStatus == 0 else {
            throw Failure(description: "chromium \(arguments) exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// `text` as a DOM serialiser writes a text node: only `&`, `<` and `>` (and U+00A0) escaped.
    static func serialisedText(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\u{A0}", with: "&nbsp;")
    }

    static func pixelStatistics(_ image: RGBImage) -> (distinctColours: Int, lumaStandardDeviation: Double) {
        var colours = Set<UInt32>()
        var sum = 0.0
        var squares = 0.0
        var i = 0
        while i < image.pixels.count {
            let (r, g, b) = (image.pixels[i], image.pixels[i + 1], image.pixels[i + 2])
            colours.insert(UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b))
            let luma = 0.299 * Double(r) + 0.587 * Double(g) + 0.114 * Double(b)
            sum += luma
            squares += luma * luma
            i += 3
        }
        let n = Double(image.width * image.height)
        return (colours.count, (squares / n - (sum / n) * (sum / n)).squareRoot())
    }
}
