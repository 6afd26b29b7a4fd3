extension Raster {
    /// The `width` x `height` rectangle at (`x`, `y`), which must lie inside the raster.
    func cropped(x: Int, y: Int, width: Int, height: Int) -> Raster {
        guard x != 0 || y != 0 || width != self.width || height != self.height else { return self }
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * channels)
        for row in y..<(y + height) {
            let start = (row * self.width + x) * channels
            pixels += self.pixels[start..<(start + width * channels)]
        }
        return Raster(width: width, height: height, channels: channels, pixels: pixels)
    }

    func flipped(horizontally: Bool, vertically: Bool) -> Raster {
        guard horizontally || vertically else { return self }
        var pixels = [UInt8](repeating: 0, count: self.pixels.count)
        for row in 0..<height {
            let from = vertically ? height - 1 - row : row
            for column in 0..<width {
                let source = (from * width + (horizontally ? width - 1 - column : column)) * channels
                let target = (row * width + column) * channels
                for channel in 0..<channels { pixels[target + channel] = self.pixels[source + channel] }
            }
        }
        return Raster(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// The raster at `width` x `height` by area averaging: each output pixel is the mean of the
    /// source area it covers, each source pixel weighted by how much of it lies inside (a box
    /// filter, done a row pass and a column pass apart). Shrinking keeps every source pixel's
    /// contribution, so thin lines fade rather than vanish.
    public func resampled(width: Int, height: Int) -> Raster {
        guard width != self.width || height != self.height else { return self }
        let across = Self.weights(from: self.width, to: width), down = Self.weights(from: self.height, to: height)
        // Rows first: height x width x channels, in Float.
        var horizontal = [Float](repeating: 0, count: self.height * width * channels)
        for row in 0..<self.height {
            for (column, taps) in across.enumerated() {
                for channel in 0..<channels {
                    var sum: Float = 0
                    for tap in taps { sum += tap.weight * Float(pixels[(row * self.width + tap.index) * channels + channel]) }
                    horizontal[(row * width + column) * channels + channel] = sum
                }
            }
        }
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        for (row, taps) in down.enumerated() {
            for column in 0..<width {
                for channel in 0..<channels {
                    var sum: Float = 0
                    for tap in taps { sum += tap.weight * horizontal[(tap.index * width + column) * channels + channel] }
                    pixels[(row * width + column) * channels + channel] = UInt8(clamping: Int(sum.rounded()))
                }
            }
        }
        return Raster(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// For each of `target` output positions, the source pixels it covers and their weights
    /// (summing to 1).
    private static func weights(from source: Int, to target: Int) -> [[(index: Int, weight: Float)]] {
        let step = Double(source) / Double(target)
        return (0..<target).map { position in
            let start = Double(position) * step, end = min(Double(source), start + step)
            var taps: [(index: Int, weight: Float)] = []
            var index = Int(start)
            while Double(index) < end, index < source {
                let overlap = min(end, Double(index + 1)) - max(start, Double(index))
                if overlap > 0 { taps.append((index, Float(overlap / step))) }
                index += 1
            }
            return taps
        }
    }
}
