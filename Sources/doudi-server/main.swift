print("doudi-server")
