print("doudi")
