import Foundation

extension HTMLReport {
    /// How much of a job the report shows: bounded, however many rows the job has.
    public struct Limits: Sendable {
        /// Successful rows shown: the first `thumbnails` inputs of the run, in input order.
        public var thumbnails = 200
        /// Failed rows shown, wherever they are in the input (they carry no thumbnail).
        public var failures = 1_000
        /// Misclassified rows of a labelled job shown first, wherever they are in the input (`thumbnails` of them).
        public var misclassified: Int { thumbnails }
        /// The thumbnail's long side in pixels; smaller images are not enlarged.
        public var thumbnailSide = 160
        /// libjpeg quality of the thumbnails.
        public var jpegQuality = 80

        public init(thumbnails: Int = 200, failures: Int = 1_000) {
            self.thumbnails = max(0, thumbnails)
            self.failures = max(0, failures)
        }
    }

    /// One card of the report: a row of the job and, for the rows shown with one, its thumbnail.
    public struct Entry: Sendable, Equatable {
        /// Position in this run's inputs.
        public let index: Int
        public let row: PredictionRow
        /// JPEG bytes, when the image decoded and was within the thumbnail limit.
        public let thumbnail: [UInt8]?

        public init(index: Int, row: PredictionRow, thumbnail: [UInt8]?) {
            (self.index, self.row, self.thumbnail) = (index, row, thumbnail)
        }

        /// A labelled row whose top-1 is not its true class.
        public var isMisclassified: Bool { row.succeeded && row.trueIndex != nil && row.trueIndex != row.classIndex }
    }

    /// What the collector kept, and how much it left out.
    public struct Contents: Sendable, Equatable {
        public var entries: [Entry] = []
        /// Successful rows past ``Limits/thumbnails`` (misclassified ones shown apart).
        public var omittedSucceeded = 0
        /// Misclassified rows past ``Limits/misclassified``.
        public var omittedMisclassified = 0
        /// Failed rows past ``Limits/failures``.
        public var omittedFailures = 0

        public init(entries: [Entry] = [], omittedSucceeded: Int = 0, omittedFailures: Int = 0, omittedMisclassified: Int = 0) {
            (self.entries, self.omittedSucceeded, self.omittedFailures) = (entries, omittedSucceeded, omittedFailures)
            self.omittedMisclassified = omittedMisclassified
        }
    }

    /// Gathers report entries while a job runs, keeping thumbnails as JPEG bytes, never decoded images.
    ///
    /// ```
    ///  decode workers ─► observe(index, image) ─► [index < limit, or a labelled job still short of
    ///                                               misclassified cards] resize + JPEG ─► pending thumbnails
    ///  sink thread    ─► record(rows, in order) ─► entries (thumbnail attached), omission counts
    /// ```
    /// Memory is bounded by the limits: at most `thumbnails` JPEGs in order, as many misclassified
    /// ones, and `failures` messages; a pending thumbnail lives only until its row is recorded. In a
    /// labelled job, images past the first `thumbnails` get a thumbnail only while fewer than the
    /// limit of misclassified cards are shown, so the extra work stops once the report is full.
    public final class Collector: @unchecked Sendable {
        public let limits: Limits
        private let lock = NSLock()
        private var pending: [Int: [UInt8]] = [:]
        private var contents = Contents()
        private var nextIndex = 0
        private var failuresShown = 0
        private var misclassifiedShown = 0
        private let labelled: Bool

        /// - Parameter labelled: rows carry true classes (`--labels-from-dirs`), so misclassified ones are kept.
        public init(limits: Limits = Limits(), labelled: Bool = false) {
            self.limits = limits
            self.labelled = labelled
        }

        /// Called on a decode worker with each decoded image; makes a thumbnail only within the limit.
        public func observe(index: Int, image: RGBImage) {
            guard index < limits.thumbnails || (labelled && lock.withLock({ misclassifiedShown < limits.misclassified }))
            else { return }
            // Resize and encode outside the lock: this is the expensive part, and workers run it in parallel.
            guard let jpeg = HTMLReport.thumbnail(of: image, side: limits.thumbnailSide, quality: limits.jpegQuality)
            else { return }
            lock.withLock { pending[index] = jpeg }
        }

        /// Called with each batch of rows, in input order, as the job commits them.
        public func record(_ rows: [PredictionRow]) {
            lock.withLock {
                for row in rows {
                    let index = nextIndex
                    nextIndex += 1
                    let entry = Entry(index: index, row: row, thumbnail: pending.removeValue(forKey: index))
                    if !row.succeeded {
                        guard failuresShown < limits.failures else { contents.omittedFailures += 1; continue }
                        failuresShown += 1
                    } else if entry.isMisclassified {
                        guard misclassifiedShown < limits.misclassified else { contents.omittedMisclassified += 1; continue }
                        misclassifiedShown += 1
                    } else if index >= limits.thumbnails {
                        contents.omittedSucceeded += 1
                        continue
                    }
                    contents.entries.append(entry)
                }
            }
        }

        /// Everything recorded so far.
        public var snapshot: Contents { lock.withLock { contents } }

        /// Thumbnails made but not yet claimed by their row (test hook: bounded by the batch pool).
        var pendingThumbnails: Int { lock.withLock { pending.count } }
    }
}
