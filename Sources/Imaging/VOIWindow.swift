import Foundation

/// A window of modality values mapped onto the 8-bit output range (PS3.3 C.11.2.1.2 and
/// C.11.2.1.3): Window Center (0028,1050), Window Width (0028,1051) and VOI LUT Function
/// (0028,1056), or the `window=center,width,function` of a rendered request (PS3.18 8.3.5.1.4).
public struct VOIWindow: Sendable, Equatable {
    public let center: Double
    public let width: Double
    public let function: VOILUTFunction

    /// A width below 1 (LINEAR) or not above 0 (LINEAR_EXACT, SIGMOID) is refused, as the
    /// standard requires.
    public init(center: Double, width: Double, function: VOILUTFunction = .linear) throws(PixelDescriptionError) {
        guard center.isFinite, width.isFinite, function == .linear ? width >= 1 : width > 0 else {
            throw .invalidWindow(center: center, width: width, function: function)
        }
        self.center = center
        self.width = width
        self.function = function
    }

    /// The window that maps `minimum` to black and `maximum` to white in a straight line: what
    /// a frame gets when neither the request nor the object gives a window.
    public static func spanning(_ minimum: Double, _ maximum: Double) -> VOIWindow {
        // LINEAR with width max-min+1 and center (min+max+1)/2 puts min at 0 and max at 255.
        let width = max(1, maximum - minimum + 1)
        return VOIWindow(checkedCenter: (minimum + maximum + 1) / 2, width: width)
    }

    private init(checkedCenter: Double, width: Double) {
        center = checkedCenter
        self.width = width
        function = .linear
    }

    /// The output of `x`, from 0 to 255 (not rounded).
    public func output(_ x: Double) -> Double {
        let top = 255.0
        switch function {
        case .linear:
            if x <= center - 0.5 - (width - 1) / 2 { return 0 }
            if x > center - 0.5 + (width - 1) / 2 { return top }
            return ((x - (center - 0.5)) / (width - 1) + 0.5) * top
        case .linearExact:
            if x <= center - width / 2 { return 0 }
            if x > center + width / 2 { return top }
            return ((x - center) / width + 0.5) * top
        case .sigmoid:
            return top / (1 + exp(-4 * (x - center) / width))
        }
    }
}
