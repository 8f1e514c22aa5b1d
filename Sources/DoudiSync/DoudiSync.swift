public enum DoudiSyncModule {}
