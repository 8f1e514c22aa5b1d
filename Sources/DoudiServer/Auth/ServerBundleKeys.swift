import DoudiSync

/// The server's bundle keys (Protocol/SPEC.md §15.2), read from the store once per process: a
/// login answers their public half, `POST /v1/bundles` opens and signs with them.
actor ServerBundleKeys {
    let store: any ServerStore
    private var keys: BundlePrivateKeys?

    init(store: any ServerStore) { self.store = store }

    /// The key pair, made in the store at its first use (every process on one store shares it).
    func current() async throws -> BundlePrivateKeys {
        if let keys { return keys }
        let stored = try await store.serverBundleKeys()
        keys = stored
        return stored
    }
}
