import ArgumentParser
import BatchVision
import Foundation

/// Which inputs a job reads, and what their folders mean: `classify`'s sources.
struct InputOptionGroup: ParsableArguments {
    @Argument(help: "Image files, folders (recursive), @list.txt files (one path per line) and s3:// prefixes.")
    var sources: [String]

    @Option(help: "Classify only the first N inputs (after sorting by path).")
    var limit: Int?

    @Option(help: ArgumentHelp("Process only shard i of n (contiguous slices of the sorted inputs); auto/n reads i from JOB_COMPLETION_INDEX (Kubernetes) or SLURM_ARRAY_TASK_ID (Slurm).", valueName: "i/n"))
    var shard: String?

    @Option(help: "S3-compatible endpoint for s3:// sources (path-style addressing), e.g. http://127.0.0.1:9000. Default: $AWS_ENDPOINT_URL, else AWS.")
    var s3Endpoint: String?

    @Flag(help: "Each image's parent folder names its true class (by label, or by WordNet id such as n01440764 for ImageNet models): adds true_label and true_index, and accuracy to the summary and report.")
    var labelsFromDirs = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    /// The selection these options describe.
    var selection: InputSelection {
        get throws {
            InputSelection(
                sources: sources, limit: limit,
                shard: try shard.map { try Shard(parsing: $0, environment: ProcessInfo.processInfo.environment) },
                s3Endpoint: s3Endpoint)
        }
    }
}
