print("tabconv")
