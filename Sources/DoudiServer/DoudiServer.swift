public enum DoudiServerModule {}
