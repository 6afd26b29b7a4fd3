/// The iconv converters one call has opened, by charset name, so a value that switches charsets
/// several times opens each converter once. Local to the call, like the converters it holds.
final class IconvConverters {
    private let direction: Direction
    private var open: [String: IconvConverter?] = [:]

    enum Direction { case toUTF8, fromUTF8 }

    init(_ direction: Direction) { self.direction = direction }

    func converter(_ charset: String) -> IconvConverter? {
        if let cached = open[charset] { return cached }
        let converter = switch direction {
        case .toUTF8: IconvConverter(from: charset, to: "UTF-8")
        case .fromUTF8: IconvConverter(from: "UTF-8", to: charset)
        }
        open[charset] = converter
        return converter
    }
}
