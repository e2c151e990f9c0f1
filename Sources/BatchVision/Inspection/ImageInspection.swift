import Foundation

/// What `batchvision inspect` learns about a set of image files.
///
/// The equivalent of the Ray tutorial's `ds.count()`, `ds.schema()` and "look at one image" steps:
/// how many files, in which formats and modes, how large, and which ones cannot be decoded and why.
public struct InspectionReport: Sendable {
    /// One file that decoded.
    public struct Image: Sendable {
        public let path: String
        public let info: ImageInfo
        public let fileBytes: Int
        /// Mean of R, G and B over the decoded image (what a quick look at pixels shows).
        public let meanRGB: (Double, Double, Double)
    }

    /// One file that did not decode, with the reason.
    public struct Failure: Sendable {
        public let path: String
        public let reason: String
    }

    public let images: [Image]
    public let failures: [Failure]
    public let seconds: Double

    public var fileCount: Int { images.count + failures.count }

    /// How many images there are of each format, most common first.
    public var formatCounts: [(String, Int)] { tally(images.map { $0.info.format.rawValue }) }

    /// How many images there are of each Pillow mode, most common first.
    public var modeCounts: [(String, Int)] { tally(images.map { $0.info.mode }) }

    private func tally(_ names: [String]) -> [(String, Int)] {
        Dictionary(names.map { ($0, 1) }, uniquingKeysWith: +).sorted { ($1.1, $0.0) < ($0.1, $1.0) }
    }
}

/// Decodes every file fully (a header can look fine in front of a corrupt body) and summarises.
public struct ImageInspector: Sendable {
    public let decoder: ImageDecoder
    public let workers: Int

    public init(decoder: ImageDecoder = ImageDecoder(), workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.decoder = decoder
        self.workers = workers
    }

    /// Inspects `paths` in order; the report keeps that order.
    public func inspect(_ paths: [String]) -> InspectionReport {
        let start = Date()
        let outcomes = parallelMap(paths.count, workers: workers) { i in inspectOne(paths[i]) }
        var images: [InspectionReport.Image] = []
        var failures: [InspectionReport.Failure] = []
        for outcome in outcomes {
            switch outcome {
            case .success(let image): images.append(image)
            case .failure(let failure): failures.append(failure)
            }
        }
        return InspectionReport(images: images, failures: failures, seconds: Date().timeIntervalSince(start))
    }

    private enum Outcome: Sendable {
        case success(InspectionReport.Image)
        case failure(InspectionReport.Failure)
    }

    private func inspectOne(_ path: String) -> Outcome {
        let url = URL(fileURLWithPath: path)
        do {
            let info = try decoder.info(contentsOf: url)
            let image = try decoder.decode(contentsOf: url)
            let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            return .success(.init(path: path, info: info, fileBytes: bytes, meanRGB: Self.meanRGB(image)))
        } catch {
            return .failure(.init(path: path, reason: "\(error)"))
        }
    }

    static func meanRGB(_ image: RGBImage) -> (Double, Double, Double) {
        var sums = (0, 0, 0)
        image.pixels.withUnsafeBufferPointer { p in
            var i = 0
            while i < p.count {
                sums.0 += Int(p[i]); sums.1 += Int(p[i + 1]); sums.2 += Int(p[i + 2])
                i += 3
            }
        }
        let n = Double(image.width * image.height)
        return (Double(sums.0) / n, Double(sums.1) / n, Double(sums.2) / n)
    }
}
