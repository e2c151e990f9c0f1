/// An error whose message is one line a user can act on.
///
/// Every module's error enum conforms, so the CLI can print `path: message` without knowing
/// where the error came from. `hint`, when present, says how to fix it.
public protocol UserFacingError: Error, CustomStringConvertible {
    /// One line, no trailing period, no newline.
    var message: String { get }
    /// What the user can do about it, when there is something.
    var hint: String? { get }
}

extension UserFacingError {
    public var hint: String? { nil }
    /// `message`, then the hint after a dash, still on one line.
    public var description: String { hint.map { "\(message) — \($0)" } ?? message }
}
