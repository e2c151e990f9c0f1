import Foundation

extension HTMLReport {
    /// How much of a job the report shows: bounded, however many rows the job has.
    public struct Limits: Sendable {
        /// Successful rows shown: the first `thumbnails` inputs of the run, in input order.
        public var thumbnails = 200
        /// Failed rows shown, wherever they are in the input (they carry no thumbnail).
        public var failures = 1_000
        /// The thumbnail's long side in pixels; smaller images are not enlarged.
        public var thumbnailSide = 160
        /// libjpeg quality of the thumbnails.
        public var jpegQuality = 80

        public init(thumbnails: Int = 200, failures: Int = 1_000) {
            self.thumbnails = max(0, thumbnails)
            self.failures = max(0, failures)
        }
    }

    /// One card of the report: a row of the job and, for the first rows, its thumbnail.
    public struct Entry: Sendable, Equatable {
        /// Position in this run's inputs.
        public let index: Int
        public let path: String
        public let topK: [Prediction.Candidate]
        public let error: String?
        /// JPEG bytes, when the image decoded and was within the thumbnail limit.
        public let thumbnail: [UInt8]?

        public init(index: Int, path: String, topK: [Prediction.Candidate], error: String?, thumbnail: [UInt8]?) {
            (self.index, self.path, self.topK, self.error, self.thumbnail) = (index, path, topK, error, thumbnail)
        }
    }

    /// What the collector kept, and how much it left out.
    public struct Contents: Sendable, Equatable {
        public var entries: [Entry] = []
        /// Successful rows past ``Limits/thumbnails``.
        public var omittedSucceeded = 0
        /// Failed rows past ``Limits/failures``.
        public var omittedFailures = 0

        public init(entries: [Entry] = [], omittedSucceeded: Int = 0, omittedFailures: Int = 0) {
            (self.entries, self.omittedSucceeded, self.omittedFailures) = (entries, omittedSucceeded, omittedFailures)
        }
    }

    /// Gathers report entries while a job runs, keeping thumbnails as JPEG bytes, never decoded images.
    ///
    /// ```
    ///  decode workers ─► observe(index, image) ─► [index < limit] resize + JPEG ─► pending thumbnails
    ///  sink thread    ─► record(rows, in order) ─► entries (thumbnail attached), omission counts
    /// ```
    /// Memory is bounded by the limits: at most `thumbnails` JPEGs and `failures` messages.
    public final class Collector: @unchecked Sendable {
        public let limits: Limits
        private let lock = NSLock()
        private var pending: [Int: [UInt8]] = [:]
        private var contents = Contents()
        private var nextIndex = 0
        private var failuresShown = 0

        public init(limits: Limits = Limits()) {
            self.limits = limits
        }

        /// Called on a decode worker with each decoded image; makes a thumbnail only within the limit.
        public func observe(index: Int, image: RGBImage) {
            guard index < limits.thumbnails else { return }
            // Resize and encode outside the lock: this is the expensive part, and workers run it in parallel.
            guard let jpeg = HTMLReport.thumbnail(of: image, side: limits.thumbnailSide, quality: limits.jpegQuality)
            else { return }
            lock.withLock { pending[index] = jpeg }
        }

        /// Called with each batch of rows, in input order, as the job commits them.
        public func record(_ rows: [Prediction]) {
            lock.withLock {
                for row in rows {
                    let index = nextIndex
                    nextIndex += 1
                    let thumbnail = pending.removeValue(forKey: index)
                    if row.error != nil {
                        guard failuresShown < limits.failures else { contents.omittedFailures += 1; continue }
                        failuresShown += 1
                    } else if index >= limits.thumbnails {
                        contents.omittedSucceeded += 1
                        continue
                    }
                    contents.entries.append(
                        Entry(index: index, path: row.path, topK: row.topK, error: row.error, thumbnail: thumbnail))
                }
            }
        }

        /// Everything recorded so far.
        public var snapshot: Contents { lock.withLock { contents } }

        /// Thumbnails made but not yet claimed by their row (test hook: bounded by the batch pool).
        var pendingThumbnails: Int { lock.withLock { pending.count } }
    }
}
