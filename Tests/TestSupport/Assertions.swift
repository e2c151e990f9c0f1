import XCTest

/// Asserts `actual` and `expected` agree elementwise within `atol + rtol * |expected|`.
///
/// On failure it reports the count of mismatches, the worst index and both values, which is
/// what one needs to tell a rounding slip from a wrong layout.
public func assertClose(
    _ actual: [Float], _ expected: [Float], atol: Float, rtol: Float = 0, _ message: @autoclosure () -> String = "",
    file: StaticString = #filePath, line: UInt = #line
) {
    guard actual.count == expected.count else {
        XCTFail("count \(actual.count) != \(expected.count) \(message())", file: file, line: line)
        return
    }
    var worst = 0
    var worstExcess: Float = -1
    var bad = 0
    for i in actual.indices {
        let allowed = atol + rtol * abs(expected[i])
        let diff = abs(actual[i] - expected[i])
        if !(diff <= allowed) {
            bad += 1
            if diff - allowed > worstExcess || diff.isNaN { worstExcess = diff - allowed; worst = i }
        }
    }
    if bad > 0 {
        XCTFail("\(bad) of \(actual.count) values differ; worst at \(worst): \(actual[worst]) vs \(expected[worst]) \(message())", file: file, line: line)
    }
}

/// The largest absolute elementwise difference.
public func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    var m: Float = 0
    for i in a.indices { m = max(m, abs(a[i] - b[i])) }
    return m
}
