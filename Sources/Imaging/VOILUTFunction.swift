/// VOI LUT Function (0028,1056): how a window maps values to output (PS3.3 C.11.2.1.3).
public enum VOILUTFunction: String, Sendable, Equatable {
    /// PS3.3 C.11.2.1.2.1, the default.
    case linear = "LINEAR"
    /// PS3.3 C.11.2.1.3.2: the window's edges exactly at center ± width/2.
    case linearExact = "LINEAR_EXACT"
    /// PS3.3 C.11.2.1.3.1.
    case sigmoid = "SIGMOID"
}
