import BatchVision
import Foundation
import TestSupport
import XCTest

final class InputListingTests: XCTestCase {
    private var root: URL!

    override func setUpWithError() throws {
        root = try TestData.temporaryDirectory("listing")
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("b/c"), withIntermediateDirectories: true)
        for name in ["a.JPG", "b/z.png", "b/c/y.webp", "b/c/notes.txt", "b/.hidden.jpg", "b/c/x.Tiff"] {
            try Data([1]).write(to: root.appendingPathComponent(name))
        }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    func testFoldersAreWalkedRecursivelyByExtensionAndSorted() throws {
        let paths = try InputListing.expand([root.path]).map { String($0.dropFirst(root.path.count + 1)) }
        XCTAssertEqual(paths, ["a.JPG", "b/c/x.Tiff", "b/c/y.webp", "b/z.png"])
    }

    func testExplicitFilesAreTakenWhateverTheirExtensionAndDeduplicated() throws {
        let notes = root.appendingPathComponent("b/c/notes.txt").path
        let paths = try InputListing.expand([notes, root.path, notes])
        XCTAssertEqual(paths.filter { $0 == notes }.count, 1)
        XCTAssertEqual(paths.count, 5)
    }

    func testSymlinkLoopsAreEnteredOnce() throws {
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("b/c/loop").path, withDestinationPath: root.appendingPathComponent("b").path)
        let paths = try InputListing.expand([root.path])
        XCTAssertEqual(paths.count, 4)
    }

    func testMissingSourceIsAClearError() {
        XCTAssertThrowsError(try InputListing.expand([root.appendingPathComponent("nope").path])) { error in
            XCTAssertTrue("\(error)".hasPrefix("no such file or folder: "), "\(error)")
        }
    }
}
