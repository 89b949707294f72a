print("hylo")
