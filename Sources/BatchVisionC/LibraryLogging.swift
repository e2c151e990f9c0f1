import Foundation
import Logging

/// The engine's log inside a host process (Python, Ray workers): warnings only, on stderr, unless
/// `$BATCHVISION_LOG_LEVEL` asks for more (`info` adds each model plan, `debug` every primitive).
///
/// The library carries its own copy of swift-log, so bootstrapping it here touches nothing of the host's.
enum LibraryLogging {
    private static let bootstrapped: Void = {
        let requested = ProcessInfo.processInfo.environment["BATCHVISION_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) }
        let level = requested ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }()

    /// Idempotent and thread-safe (a lazily initialised static).
    static func bootstrapOnce() { _ = bootstrapped }
}
