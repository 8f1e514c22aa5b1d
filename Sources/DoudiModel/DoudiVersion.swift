/// The release of Doudi these binaries are: `doudi --version`, `doudi-server --version`, and the
/// Debian packages' version (`scripts/package` reads it from the binary).
public enum DoudiVersion {
    /// `0.1.0`
    public static let text = "0.1.0"
}
