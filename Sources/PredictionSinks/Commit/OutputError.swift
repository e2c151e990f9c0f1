import TensorCore

/// Why the output cannot be written; every message names the path and what to do.
public enum OutputError: UserFacingError, Equatable {
    case exists(String)
    case unfinished(String)
    case differentJob(String)
    case notWritable(String, reason: String)
    case corrupt(String)

    public var message: String {
        switch self {
        case .exists(let path): "output \(path) already exists"
        case .unfinished(let path): "an unfinished job's output is in the way (\(path))"
        case .differentJob(let path): "cannot resume: \(path) belongs to a job with other inputs, model or options"
        case .notWritable(let path, let reason): "cannot write \(path): \(reason)"
        case .corrupt(let path): "\(path) is damaged and cannot be resumed from"
        }
    }

    public var hint: String? {
        switch self {
        case .exists: "pass --overwrite to replace it, --resume to finish the job that wrote it, or choose another --output"
        case .unfinished: "pass --resume to finish that job, or --overwrite to start again"
        case .differentJob: "rerun with the original options, or pass --overwrite to start again"
        case .notWritable: "check that the folder exists, is writable and has free space, or choose another --output"
        case .corrupt: "pass --overwrite to start again"
        }
    }
}
