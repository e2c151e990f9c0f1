import Foundation
import Logging

/// Tells the user how a job is going: a redrawn bar on a terminal, periodic log lines otherwise.
final class ProgressReporter {
    private let total: Int
    private let quiet: Bool
    private let terminal: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var done = 0
    private var failed = 0
    /// Where the periodic lines go when stderr is not a terminal (a log file, a batch scheduler's capture).
    private let logger = Logger(label: "batchvision.progress")

    init(total: Int, quiet: Bool) {
        self.total = total
        self.quiet = quiet
        terminal = isatty(STDERR_FILENO) == 1
    }

    func update(done: Int, failed: Int) {
        self.done = done
        self.failed = failed
        guard !quiet else { return }
        let now = Date()
        let interval = terminal ? 0.2 : 10
        guard now.timeIntervalSince(lastDraw) >= interval || done == total else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let rate = Double(done) / max(elapsed, 1e-9)
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let stats = String(format: "%d/%d images  %.1f img/s  ETA %@  %d errors", done, total, rate, Self.clock(eta), failed)
        if terminal {
            let width = 30
            let filled = total > 0 ? width * done / total : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            write("\r\(bar) \(stats)\u{1B}[K")
        } else {
            logger.info("\(stats)")
        }
    }

    func finish() {
        if terminal && !quiet { write("\n") }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
