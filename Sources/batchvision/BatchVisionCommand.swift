import ArgumentParser
import BatchVision

@main
struct BatchVisionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "batchvision")
}
