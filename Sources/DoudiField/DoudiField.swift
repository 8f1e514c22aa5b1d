public enum DoudiFieldModule {}
