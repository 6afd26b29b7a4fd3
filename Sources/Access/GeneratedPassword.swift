/// Passwords Rampart makes for people (the first admin, a reset): 24 characters from an
/// alphabet without look-alikes (no 0/O, 1/l/I), about 137 bits from the system's CSPRNG.
public enum GeneratedPassword {
    static let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    static let length = 24

    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        // Groups of six, dash-separated, so it can be read aloud and typed.
        let characters = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        return stride(from: 0, to: length, by: 6).map { String(characters[$0..<$0 + 6]) }.joined(separator: "-")
    }
}
