public enum RampartServer {}
