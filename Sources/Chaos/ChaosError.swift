/// Why a chaos run could not be set up or carried out (not a verdict).
public struct ChaosError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
